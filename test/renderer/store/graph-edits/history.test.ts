import { describe, expect, it } from 'vitest';
import {
  emptyHistory,
  HISTORY_LIMIT,
  historyAfterEdit,
  historyAfterLoad,
  historyAfterSave,
  historyFlags,
  redoStep,
  snapshotOf,
  undoStep,
} from '../../../../renderer/store/graph-edits/history.ts';
import type { History } from '../../../../renderer/store/graph-edits/history.ts';
import { sampleGraph } from './graph-fixture.ts';

const graph = sampleGraph();
const edited = { ...graph, nodes: graph.nodes.slice(1) };

function loaded(): History {
  return historyAfterLoad(emptyHistory);
}

describe('undo history', () => {
  it('starts a loaded playbook clean, with nothing to undo or redo', () => {
    expect(historyFlags(loaded())).toEqual({ dirty: false, canUndo: false, canRedo: false });
  });

  it('gives every load and edit a new state identity, across loads too, so a stale answer never matches', () => {
    const first = loaded();
    const edit = historyAfterEdit(first, snapshotOf(graph, first));
    const reloaded = historyAfterLoad(edit);
    expect(new Set([first.seq, edit.seq, reloaded.seq]).size).toBe(3);
    expect(reloaded.past).toEqual([]);
  });

  it('records the state before an edit as the step undo goes back to, and marks the graph dirty', () => {
    const start = loaded();
    const before = snapshotOf(graph, start);
    const after = historyAfterEdit(start, before);
    expect(historyFlags(after)).toEqual({ dirty: true, canUndo: true, canRedo: false });
    const undone = undoStep(after, snapshotOf(edited, after));
    expect(undone?.step).toBe(before);
    expect(undone?.step.nodes).toBe(graph.nodes);
  });

  it('undo then redo walks back and forth, and dirty follows the state shown, not the direction', () => {
    const start = loaded();
    const after = historyAfterEdit(start, snapshotOf(graph, start));
    const undone = undoStep(after, snapshotOf(edited, after));
    expect(undone).toBeDefined();
    expect(historyFlags(undone!.history)).toEqual({ dirty: false, canUndo: false, canRedo: true });
    const redone = redoStep(undone!.history, snapshotOf(graph, undone!.history));
    expect(redone?.step.nodes).toBe(edited.nodes);
    expect(historyFlags(redone!.history)).toEqual({ dirty: true, canUndo: true, canRedo: false });
  });

  it('has no step to undo or redo at either end', () => {
    const start = loaded();
    expect(undoStep(start, snapshotOf(graph, start))).toBeUndefined();
    expect(redoStep(start, snapshotOf(graph, start))).toBeUndefined();
  });

  it('loses the redo steps on a new edit', () => {
    const start = loaded();
    const after = historyAfterEdit(start, snapshotOf(graph, start));
    const undone = undoStep(after, snapshotOf(edited, after))!.history;
    const branched = historyAfterEdit(undone, snapshotOf(graph, undone));
    expect(historyFlags(branched).canRedo).toBe(false);
  });

  it(`keeps the newest ${HISTORY_LIMIT} steps and drops the oldest`, () => {
    let history = loaded();
    const firstSeq = history.seq;
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) history = historyAfterEdit(history, snapshotOf(graph, history));
    expect(history.past).toHaveLength(HISTORY_LIMIT);
    expect(history.past[0]?.seq).toBe(firstSeq + 5);
  });

  it('is clean again when the saved state comes back by undo or redo', () => {
    const start = loaded();
    const after = historyAfterEdit(start, snapshotOf(graph, start));
    const saved = historyAfterSave(after, after.seq);
    expect(historyFlags(saved).dirty).toBe(false);
    const undone = undoStep(saved, snapshotOf(edited, saved))!.history;
    expect(historyFlags(undone).dirty).toBe(true);
    expect(historyFlags(redoStep(undone, snapshotOf(graph, undone))!.history).dirty).toBe(false);
  });

  it('never changes the history it is given', () => {
    const start = loaded();
    const after = historyAfterEdit(start, snapshotOf(graph, start));
    const pastBefore = after.past;
    undoStep(after, snapshotOf(edited, after));
    expect(after.past).toBe(pastBefore);
    expect(after.past).toHaveLength(1);
    expect(start.past).toHaveLength(0);
  });
});
