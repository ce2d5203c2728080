import type { Playbook } from '../format/playbook.ts';
import { indexGraph, reachableFrom } from '../graph/graph.ts';
import type { NodeStatus, RunStatus } from '../run/events.ts';
import type { NodeRunState, RunState } from '../run/types.ts';

const TERMINAL: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'cancelled']);

/** Node states a resume keeps: the node settled and its outcome can be reused as it is. */
const SETTLED: ReadonlySet<NodeStatus> = new Set(['succeeded', 'skipped', 'simulated']);

/** Whether a run has its terminal event (`run.finished`): nothing more will be written. */
export function isTerminal(status: RunStatus): boolean {
  return TERMINAL.has(status);
}

/**
 * The state of a run as a reader should show it. A run with no terminal event and no live writer
 * was killed: it becomes `interrupted` (at `lastCompletedNodeId`), and nodes caught running or
 * paused go back to `idle`, since nothing will ever finish them. Unlike a failed or stopped run
 * (whose unstarted nodes the reducer marks `not-run`), an interrupted run never decided to end:
 * its unstarted nodes stay `idle`, still to come when it is resumed.
 */
export function recoverRun(state: RunState, writerAlive = false): RunState {
  if (isTerminal(state.status) || state.status === 'interrupted' || writerAlive) return state;
  const nodes: Record<string, NodeRunState> = {};
  for (const [id, node] of Object.entries(state.nodes)) {
    nodes[id] = node.status === 'running' || node.status === 'paused' ? { ...node, status: 'idle', progress: undefined } : node;
  }
  const { paused: _paused, ...rest } = state;
  return { ...rest, status: 'interrupted', nodes };
}

/** What a resume does: the nodes to run again, and those whose recorded outcome is reused. */
export interface ResumePlan {
  rerun: string[];
  reused: string[];
}

/**
 * Which nodes a resume must run again: every node that did not settle (succeeded, skipped,
 * simulated), so failed, `not-run` and idle ones, and, when the playbook is given, everything
 * downstream of those, so no reused output was computed from an outcome that is about to change.
 * Pass `rerun` to the executor as `reuse: { previous: state, rerun }`.
 */
export function resumePlan(state: RunState, playbook?: Playbook): ResumePlan {
  const ids = playbook === undefined ? Object.keys(state.nodes) : playbook.nodes.map((n) => n.id);
  const unsettled = ids.filter((id) => !SETTLED.has(state.nodes[id]?.status ?? 'idle'));
  const pending = playbook === undefined ? new Set(unsettled) : reachableFrom(indexGraph(playbook), unsettled);
  return { rerun: ids.filter((id) => pending.has(id)), reused: ids.filter((id) => !pending.has(id)) };
}

/** One line of the run history: what `switchboard runs` and the history panel show. */
export interface RunSummary {
  runId: string;
  playbookId: string;
  playbookName: string;
  status: RunStatus;
  dryRun: boolean;
  startedAt: number;
  /** Until the last event for runs that never finished. */
  durationMs: number;
  /** The trigger event as the run received it (an object, not its text). */
  trigger: unknown;
  lastCompletedNodeId?: string;
  /** The node the run failed at, and why. */
  error?: { nodeId?: string; code: string; message: string };
  fromRunId?: string;
}

/** Summarises a (recovered) run state; `lastEventAt` measures runs that have no end. */
export function summarizeRun(state: RunState, lastEventAt?: number): RunSummary {
  const end = state.finishedAt ?? lastEventAt ?? state.startedAt;
  const summary: RunSummary = {
    runId: state.runId,
    playbookId: state.playbookId,
    playbookName: state.playbookName,
    status: state.status,
    dryRun: state.dryRun,
    startedAt: state.startedAt,
    durationMs: state.durationMs ?? Math.max(0, end - state.startedAt),
    trigger: state.trigger,
  };
  if (state.lastCompletedNodeId !== undefined) summary.lastCompletedNodeId = state.lastCompletedNodeId;
  if (state.error !== undefined) {
    summary.error = { code: state.error.code, message: state.error.message };
    if (state.error.nodeId !== undefined) summary.error.nodeId = state.error.nodeId;
  }
  if (state.fromRunId !== undefined) summary.fromRunId = state.fromRunId;
  return summary;
}
