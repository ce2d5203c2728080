import type { RunState } from '../../engine/run/types.ts';
import { useStore } from '../store/index.ts';
import { liveWritesFrom, liveWritesQuestion } from './live-writes.ts';

/**
 * "Run from here" on `nodeId` of `run`: asks first, naming them, when the path would run live
 * writes; a dry run asks nothing, since its writes are simulated, nor do writes that go to a lab
 * twin. Cancel starts nothing.
 */
export async function runFromHere(run: Pick<RunState, 'runId' | 'dryRun' | 'trigger'>, nodeId: string): Promise<void> {
  const state = useStore.getState();
  const playbook = state.toPlaybook();
  if (!run.dryRun && playbook !== undefined) {
    const targets = { slots: state.slots, credentials: state.credentials, labMode: state.labMode };
    const writes = liveWritesFrom(playbook, nodeId, state.actionsByType, new Set(Object.keys(state.pins)), targets);
    if (writes.length > 0 && !(await state.confirm(liveWritesQuestion(writes), 'Run from here'))) return;
  }
  await useStore.getState().startRun({ mode: 'run', dryRun: run.dryRun, trigger: run.trigger, from: { runId: run.runId, nodeId } });
}
