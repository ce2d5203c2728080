import { useEffect, useMemo, useState } from 'react';
import { isTriggerType } from '../store/catalogue-slice.ts';
import { rpc } from '../rpc/index.ts';
import { useStore } from '../store/index.ts';
import type { InboxEventView } from '../store/types.ts';
import { actionableRun, isLive, unknownOutcomeNode } from '../store/run-slice.ts';
import { triggerValue } from './completion.ts';
import { formatDateTime, parseJsonText, sentence, toJsonText } from './format.ts';
import { LabBadge } from './lab-badge.tsx';

/** The trigger node's sample as editor text (recomputed only when the trigger node changes). */
function useSampleText(): string {
  const trigger = useStore((state) => {
    for (const node of state.nodes) {
      if (node.type !== 'playbook') continue;
      const item = state.actionsByType[node.data.node.type];
      if (isTriggerType(node.data.node.type, item?.action)) return node.data.node;
    }
    return undefined;
  });
  return useMemo(() => {
    if (trigger === undefined) return '';
    const sample = trigger.params['sample'];
    return toJsonText(sample ?? (trigger.type.startsWith('trigger.manual@') ? undefined : triggerValue([trigger], undefined, useStore.getState().actionsByType)));
  }, [trigger]);
}

/**
 * The run controls of the top bar: Run, Dry run, the Lab toggle, Step, Continue, Skip, Stop, and
 * the trigger event a run starts with. Buttons are enabled only when they can act: nothing starts
 * while a run is live, and Continue and Skip need a paused node (not one paused as outcome
 * unknown, which the Run panel decides). A lab run shown carries LAB.
 */
export function RunToolbar() {
  const playbookId = useStore((state) => state.playbook?.id);
  const status = useStore((state) => (actionableRun(state)?.playbookId === state.playbook?.id ? actionableRun(state)?.status : undefined));
  const pausedAt = useStore((state) => actionableRun(state)?.paused?.nodeId);
  const unknown = useStore((state) => actionableRun(state)?.playbookId === state.playbook?.id && unknownOutcomeNode(actionableRun(state)) !== undefined);
  const starting = useStore((state) => state.starting);
  const startRun = useStore((state) => state.startRun);
  const control = useStore((state) => state.control);
  const skip = useStore((state) => state.skip);
  const shownLab = useStore((state) => state.run?.playbookId === state.playbook?.id && state.run?.lab === true);
  const sample = useSampleText();
  const [edited, setEdited] = useState<string | undefined>();
  const [editorOpen, setEditorOpen] = useState(false);

  useEffect(() => setEdited(undefined), [playbookId]);

  const text = edited ?? sample;
  const parsed = parseJsonText(text, 'The trigger event');
  const live = isLive(status);
  const paused = status === 'paused';
  // A write of unknown outcome waits for send again / mark done / fail (Run panel); stepping past it would guess.
  const steppable = paused && !unknown;
  const decideFirst = 'Decide in the Run panel first: send again, mark done or fail (the earlier run may have sent this request)';
  const canStart = playbookId !== undefined && !live && !starting;

  function start(mode: 'run' | 'step', dryRun: boolean): void {
    if (!parsed.ok) {
      setEditorOpen(true);
      return;
    }
    void startRun({ mode, dryRun, ...(parsed.value === undefined ? {} : { trigger: parsed.value }) });
  }

  return (
    <div className="run-toolbar" role="toolbar" aria-label="Run controls">
      <button type="button" className="primary" disabled={!canStart} onClick={() => start('run', false)} title="Run the playbook on its tools">
        Run
      </button>
      <button type="button" disabled={!canStart} onClick={() => start('run', true)} title="Run the reads; writes return their example output, marked simulated">
        Dry run
      </button>
      <LabToggle disabled={live || starting} />
      <button
        type="button"
        disabled={!(canStart || steppable)}
        onClick={() => (paused ? void control('step') : start('step', false))}
        title={unknown ? decideFirst : paused ? 'Run the paused node, then pause before the next' : 'Start a run that pauses before every node'}
      >
        Step
      </button>
      <button type="button" disabled={!steppable} onClick={() => void control('continue')} title={unknown ? decideFirst : 'Run on until a breakpoint or the end'}>
        Continue
      </button>
      <button type="button" disabled={!steppable} onClick={() => void skip()} title={unknown ? decideFirst : 'Do not run the paused node'}>
        Skip
      </button>
      <button type="button" className="danger" disabled={!live} onClick={() => void control('stop')} title="Cancel the run and every request in flight">
        Stop
      </button>
      <div className="trigger-editor">
        <button type="button" aria-expanded={editorOpen} aria-controls="trigger-event-editor" onClick={() => setEditorOpen(!editorOpen)} className={parsed.ok ? undefined : 'invalid'}>
          Trigger event
        </button>
        {editorOpen ? (
          <div id="trigger-event-editor" className="popover" role="group" aria-label="Trigger event">
            {playbookId === undefined ? null : <PastEventPicker playbookId={playbookId} onPick={(payload) => setEdited(toJsonText(payload))} />}
            <label htmlFor="trigger-event-text">Event the run starts with (JSON; empty uses the trigger's sample)</label>
            <textarea
              id="trigger-event-text"
              rows={10}
              spellCheck={false}
              value={text}
              aria-invalid={!parsed.ok}
              aria-describedby={parsed.ok ? undefined : 'trigger-event-error'}
              onChange={(event) => setEdited(event.target.value)}
            />
            {parsed.ok ? null : (
              <p id="trigger-event-error" className="field-error" role="alert">
                {parsed.error}
              </p>
            )}
            <div className="row">
              <button type="button" disabled={edited === undefined} onClick={() => setEdited(undefined)}>
                Reset to sample
              </button>
              <button type="button" onClick={() => setEditorOpen(false)}>
                Close
              </button>
            </div>
          </div>
        ) : null}
      </div>
      <RunStatusChip status={status} pausedAt={pausedAt} unknown={unknown} starting={starting} />
      {shownLab ? <LabBadge title="This run is a lab run: unbound credential slots used the lab’s vendor twins" /> : null}
    </div>
  );
}

/** Past inbox events of a playbook offered as the sample: read when the Trigger event editor opens. */
const PAST_EVENTS = 20;

/** Picks a past inbox event of this playbook; its payload becomes the trigger event to test the draft with. */
function PastEventPicker({ playbookId, onPick }: { playbookId: string; onPick: (payload: unknown) => void }) {
  const [events, setEvents] = useState<InboxEventView[]>();

  useEffect(() => {
    let current = true;
    rpc.call('events.list', { filter: { playbookId, limit: PAST_EVENTS } }).then(
      (answer) => {
        if (current) setEvents(answer.events.filter((event) => event.status !== 'duplicate'));
      },
      () => {
        if (current) setEvents([]);
      },
    );
    return () => {
      current = false;
    };
  }, [playbookId]);

  if (events === undefined || events.length === 0) return null;
  return (
    <>
      <label htmlFor="trigger-event-past">Use a past inbox event</label>
      <select
        id="trigger-event-past"
        value=""
        onChange={(event) => {
          const chosen = events.find((item) => item.id === event.target.value);
          if (chosen !== undefined) onPick(chosen.payload);
        }}
      >
        <option value="">Choose an event…</option>
        {events.map((event) => (
          <option key={event.id} value={event.id}>
            {formatDateTime(event.receivedAt)} · {event.source} · {event.status}
          </option>
        ))}
      </select>
    </>
  );
}

/**
 * Lab mode, on or off, for the runs started here (remembered in the workspace). Off, a run whose
 * nodes use an unbound credential slot is refused; on, those slots use the lab's twins.
 */
function LabToggle({ disabled }: { disabled: boolean }) {
  const labMode = useStore((state) => state.labMode);
  const labRunning = useStore((state) => state.host?.lab.running === true);
  const setLabMode = useStore((state) => state.setLabMode);
  const notify = useStore((state) => state.notify);
  const title = !labRunning
    ? 'Lab mode needs the lab, which this host is not running (started with --no-lab)'
    : labMode
      ? 'Lab mode is on: runs use the lab’s vendor twins for unbound credential slots, and are marked LAB'
      : 'Lab mode is off: a run whose nodes use an unbound credential slot is refused. Turn on to run them on the lab’s vendor twins';
  return (
    <button
      type="button"
      className={labMode ? 'lab-toggle on' : 'lab-toggle'}
      aria-pressed={labMode}
      disabled={disabled || (!labRunning && !labMode)}
      title={title}
      onClick={() => setLabMode(!labMode).catch((error: unknown) => notify('error', `Lab mode could not be changed: ${sentence(error)}`))}
    >
      Lab
    </button>
  );
}

function RunStatusChip({ status, pausedAt, unknown, starting }: { status: string | undefined; pausedAt: string | undefined; unknown: boolean; starting: boolean }) {
  const name = useStore((state) => {
    if (pausedAt === undefined) return undefined;
    const node = state.nodes.find((candidate) => candidate.id === pausedAt);
    return node?.type === 'playbook' ? node.data.node.name : pausedAt;
  });
  const waiting = useStore((state) => Object.values(state.run?.approvals ?? {}).some((approval) => approval.decision === undefined));
  const text = starting
    ? 'Starting…'
    : status === 'paused' && name !== undefined
      ? unknown
        ? `Outcome unknown: ${name}`
        : `Paused before ${name}`
      : status === 'running' && waiting
        ? 'Waiting for approval'
        : status;
  return (
    <span className={`run-chip run-${status ?? 'none'}`} role="status" aria-live="polite">
      {text}
    </span>
  );
}
