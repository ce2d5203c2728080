import { useState } from 'react';
import { rpc } from '../rpc/index.ts';
import { useStore } from '../store/index.ts';
import { sentence } from './format.ts';
import { LabBadge } from './lab-badge.tsx';

/**
 * The lab this host runs, and "Reset lab": every twin back at the story's starting state without a
 * restart, so a run that already suspended the user or moved the mail can be tried again from scratch.
 */
export function LabControl() {
  const lab = useStore((state) => state.host?.lab);
  const confirm = useStore((state) => state.confirm);
  const notify = useStore((state) => state.notify);
  const [resetting, setResetting] = useState(false);
  if (lab?.running !== true) return null;

  const reset = async () => {
    const question = 'Reset the lab? Every vendor twin goes back to the story’s starting state: what runs did there (suspended users, blocked IPs, moved mail, tickets, messages) is undone.';
    if (!(await confirm(question, 'Reset lab'))) return;
    setResetting(true);
    try {
      const { twins } = await rpc.call('lab.reset', {});
      notify('info', `The lab is back at its starting state (${twins} vendor twins).`);
    } catch (error) {
      notify('error', `The lab could not be reset: ${sentence(error)}`);
    } finally {
      setResetting(false);
    }
  };

  return (
    <section className="row lab-control" aria-label="Lab">
      <LabBadge title="The lab: simulated vendor APIs (twins) on this machine, telling one story" />
      <span className="muted">{lab.twins.length} vendor twins on 127.0.0.1</span>
      <button type="button" disabled={resetting} onClick={() => void reset()}>
        Reset lab
      </button>
    </section>
  );
}
