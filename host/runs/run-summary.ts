import type { RunState } from '../../engine/run/types.ts';
import type { RunSummary } from '../protocol/contract.ts';
import { labNodes } from '../../engine/run/node-status.ts';

/** One line of the run history, as the protocol carries it, from a run's (recovered) state. */
export function runSummaryOf(state: RunState): RunSummary {
  const summary: RunSummary = {
    runId: state.runId,
    playbookId: state.playbookId,
    playbookName: state.playbookName,
    status: state.status,
    mode: state.mode,
    dryRun: state.dryRun,
    startedAt: state.startedAt,
    trigger: state.trigger,
  };
  if (state.durationMs !== undefined) summary.durationMs = state.durationMs;
  if (state.lastCompletedNodeId !== undefined) summary.lastCompletedNodeId = state.lastCompletedNodeId;
  if (state.error !== undefined) summary.error = state.error;
  if (state.lab === true) summary.lab = true;
  const lab = labNodes(state.nodes);
  if (lab.length > 0) summary.labNodes = lab;
  return summary;
}
