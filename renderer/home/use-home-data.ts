import { useEffect, useState } from 'react';
import { rpc } from '../rpc/index.ts';
import { useStore } from '../store/index.ts';

/** Run events that change a playbook's last run as home shows it. */
const RUN_CHANGES = new Set(['run.started', 'run.paused', 'run.resumed', 'run.finished']);

/**
 * Reads what home shows (playbooks, each one's newest run, trigger states, credentials and host
 * facts) when it opens, and keeps it fresh: the list on `playbooks.changed`, the runs when a run starts,
 * pauses or ends anywhere (one refresh in flight at a time). Returns whether the playbook list and
 * the run history have been read since home opened (empty lists before that mean "not yet").
 */
export function useHomeData(): { playbooksListed: boolean; runsListed: boolean } {
  const [playbooksListed, setPlaybooksListed] = useState(false);
  const [runsListed, setRunsListed] = useState(false);
  useEffect(() => {
    const state = useStore.getState();
    const quiet = () => undefined;
    const offWorkspace = state.initWorkspaceEvents();
    state
      .refreshPlaybooks()
      .catch((error: unknown) => state.notify('error', `The playbooks could not be listed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => setPlaybooksListed(true));
    state
      .refreshLastRuns()
      .catch(quiet)
      .finally(() => setRunsListed(true));
    state.refreshTriggers().catch(quiet);
    state.refreshCredentials().catch(quiet);
    state.loadHost().catch(quiet);

    // One refresh at a time: events arriving meanwhile ask for one more after it.
    let refreshing = false;
    let again = false;
    const refreshRuns = (): void => {
      if (refreshing) {
        again = true;
        return;
      }
      refreshing = true;
      void useStore
        .getState()
        .refreshLastRuns()
        .catch(quiet)
        .finally(() => {
          refreshing = false;
          if (!again) return;
          again = false;
          refreshRuns();
        });
    };
    const offRuns = rpc.on('run.event', (event) => {
      if (RUN_CHANGES.has(event.type)) refreshRuns();
    });
    return () => {
      offWorkspace();
      offRuns();
    };
  }, []);
  return { playbooksListed, runsListed };
}
