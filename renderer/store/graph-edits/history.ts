import type { GraphValue } from './graph-value.ts';

/** Undo steps kept; snapshots share every unchanged node, so a step costs about one array. */
export const HISTORY_LIMIT = 200;

/** One undo step: the editable state as it was. Arrays are never mutated, so snapshots share nodes. */
export interface Snapshot extends Pick<GraphValue, 'playbook' | 'nodes' | 'edges'> {
  /** Identifies the state, so "saved" survives undo and redo. */
  seq: number;
}

/**
 * Undo and redo stacks with the identity of the state shown (`seq`) and of the state last saved
 * or loaded (`savedSeq`): the graph is dirty exactly when they differ, whichever way it got there.
 */
export interface History {
  past: readonly Snapshot[];
  future: readonly Snapshot[];
  seq: number;
  savedSeq: number;
  /** The last seq handed out; it only grows, across loads too, so a stale answer never matches. */
  counter: number;
}

/** What the toolbar and the title bar show of the history. */
export interface HistoryFlags {
  dirty: boolean;
  canUndo: boolean;
  canRedo: boolean;
}

export const emptyHistory: History = { past: [], future: [], seq: 0, savedSeq: 0, counter: 0 };

/** The history of a playbook just opened: no steps, a new clean state. */
export function historyAfterLoad(history: History): History {
  const seq = history.counter + 1;
  return { past: [], future: [], seq, savedSeq: seq, counter: seq };
}

/** The state shown now, as an undo step. */
export function snapshotOf(graph: Pick<GraphValue, 'playbook' | 'nodes' | 'edges'>, history: History): Snapshot {
  return { playbook: graph.playbook, nodes: graph.nodes, edges: graph.edges, seq: history.seq };
}

/** An edit happened from `before`: it becomes the newest undo step (the oldest beyond the limit go) and redo is lost. */
export function historyAfterEdit(history: History, before: Snapshot): History {
  const past = [...history.past, before];
  const seq = history.counter + 1;
  return { past: past.length > HISTORY_LIMIT ? past.slice(past.length - HISTORY_LIMIT) : past, future: [], seq, savedSeq: history.savedSeq, counter: seq };
}

/** The step undo goes back to, and the history with `current` kept for redo; undefined when there is none. */
export function undoStep(history: History, current: Snapshot): { step: Snapshot; history: History } | undefined {
  const step = history.past.at(-1);
  if (step === undefined) return undefined;
  return { step, history: { ...history, past: history.past.slice(0, -1), future: [...history.future, current], seq: step.seq } };
}

/** The step redo goes forward to, and the history with `current` kept for undo; undefined when there is none. */
export function redoStep(history: History, current: Snapshot): { step: Snapshot; history: History } | undefined {
  const step = history.future.at(-1);
  if (step === undefined) return undefined;
  return { step, history: { ...history, past: [...history.past, current], future: history.future.slice(0, -1), seq: step.seq } };
}

/** The state identified by `seq` was saved: the graph is clean when it shows that state again. */
export function historyAfterSave(history: History, seq: number): History {
  return { ...history, savedSeq: seq };
}

export function historyFlags(history: History): HistoryFlags {
  return { dirty: history.seq !== history.savedSeq, canUndo: history.past.length > 0, canRedo: history.future.length > 0 };
}
