import { applyEdgeChanges, applyNodeChanges } from '@xyflow/react';
import type { StateCreator } from 'zustand';
import { connectionRefusal } from '../canvas/connection-rules.ts';
import { rpc } from '../rpc/index.ts';
import { makeFragment, parseFragment } from './fragment.ts';
import { connectEdit } from './graph-edits/connect-edit.ts';
import type { GraphEdit } from './graph-edits/graph-value.ts';
import { emptyHistory, historyAfterEdit, historyAfterLoad, historyAfterSave, historyFlags, redoStep, snapshotOf, undoStep } from './graph-edits/history.ts';
import type { History, Snapshot } from './graph-edits/history.ts';
import { changesToApply, isDragMove, nodeChangeKinds, settleNodeChanges } from './graph-edits/node-changes.ts';
import { addNodeEdit, layoutEdit, updateNodeEdit, updatePlaybookEdit } from './graph-edits/node-edits.ts';
import { addNoteEdit, updateNoteEdit } from './graph-edits/note-edits.ts';
import { pasteEdit } from './graph-edits/paste-edit.ts';
import { restoredGraph } from './graph-edits/restore-step.ts';
import { deleteSelectionEdit, selectAllEdit, selectEdit } from './graph-edits/selection-edits.ts';
import { createMoveBatch } from './move-batch.ts';
import { panelAfterPick } from './panel-after-pick.ts';
import type { NodePick } from './panel-after-pick.ts';
import { fromPlaybook, toPlaybook } from './playbook-to-canvas.ts';
import { problemState } from './problem-index.ts';
import { createRevalidation } from './revalidation.ts';
import { saveFailureSentence } from './save-failure.ts';
import type { AppState, GraphSlice } from './types.ts';

/**
 * The playbook being edited, as React Flow nodes and edges: a thin binding of the pure edits and
 * history in graph-edits/ to the store. Every edit goes through `commit`, which records one undo
 * step; drags and resizes record theirs when the gesture ends. Node `data` objects change only
 * when the node itself does, so moving one node re-renders one node.
 */
export const createGraphSlice: StateCreator<AppState, [], [], GraphSlice> = (set, get) => {
  let history: History = emptyHistory;
  /** State before the drag or resize in progress. */
  let gestureStart: Snapshot | undefined;
  let clipboard: string | undefined;
  let revealSeq = 0;
  const moves = createMoveBatch((changes) => set({ nodes: applyNodeChanges(changes, get().nodes) }));
  const revalidation = createRevalidation({
    playbook: () => get().toPlaybook(),
    seq: () => history.seq,
    apply: (problems) => set(problemState(problems, get().nodes, get().edges, get().problemsByNode)),
  });

  const snapshot = (): Snapshot => snapshotOf(get(), history);

  /** Applies an edit as one undo step (none when the edit is undefined: nothing changed). */
  const commit = (edit: GraphEdit | undefined, before: Snapshot = snapshot()): void => {
    if (edit === undefined) return;
    history = historyAfterEdit(history, before);
    set({ ...edit, ...historyFlags(history) });
    revalidation.schedule();
  };

  /** Shows an undo or redo step; `moved` is the history with the step taken. */
  const restore = (moved: { step: Snapshot; history: History } | undefined): void => {
    if (moved === undefined) return;
    moves.drop();
    gestureStart = undefined;
    history = moved.history;
    set({ ...restoredGraph(get(), moved.step), ...historyFlags(history) });
    revalidation.schedule();
  };

  /** Brings the picked node into view in the side panel (see `panelAfterPick`). */
  const showPicked = (pick: NodePick): void => {
    const { panel, setPanel } = get();
    setPanel(panelAfterPick(panel, pick));
  };

  return {
    playbook: undefined,
    nodes: [],
    edges: [],
    selectedNodeId: undefined,
    problems: [],
    problemsByNode: {},
    dirty: false,
    canUndo: false,
    canRedo: false,
    saving: false,
    saveError: undefined,
    reveal: undefined,
    loadSeq: 0,

    toPlaybook() {
      const { playbook, nodes, edges } = get();
      return playbook === undefined ? undefined : toPlaybook({ playbook, nodes, edges });
    },

    loadPlaybook(file, problems = []) {
      const graph = fromPlaybook(file);
      moves.drop();
      gestureStart = undefined;
      revalidation.cancel();
      history = historyAfterLoad(history);
      set({
        ...graph,
        selectedNodeId: undefined,
        saveError: undefined,
        reveal: undefined,
        loadSeq: get().loadSeq + 1,
        ...historyFlags(history),
        ...problemState(problems, graph.nodes, graph.edges),
      });
    },

    async openPlaybook(id) {
      const { playbook, problems } = await rpc.call('playbooks.get', { id });
      get().loadPlaybook(playbook, problems);
    },

    async save() {
      const state = get();
      const playbook = state.toPlaybook();
      if (playbook === undefined || state.saving) return;
      const at = history.seq;
      set({ saving: true });
      try {
        const result = await rpc.call('playbooks.save', { playbook, expectedRevision: playbook.revision });
        history = historyAfterSave(history, at);
        const current = get().playbook;
        set({
          saving: false,
          saveError: undefined,
          dirty: historyFlags(history).dirty,
          playbook: current === undefined ? current : { ...current, revision: result.playbook.revision },
          ...problemState(result.problems, get().nodes, get().edges, get().problemsByNode),
        });
      } catch (error) {
        const sentence = saveFailureSentence(error);
        set({ saving: false, saveError: sentence });
        get().notify('error', sentence);
      }
    },

    select(nodeId, options = {}) {
      const { edit, target } = selectEdit(get().nodes, nodeId);
      set({ ...edit, ...(options.reveal === true && target !== undefined ? { reveal: { nodeId: target.id, seq: ++revealSeq } } : {}) });
    },

    updateNode: (nodeId, patch) => commit(updateNodeEdit(get(), nodeId, patch)),
    updatePlaybook: (patch) => commit(updatePlaybookEdit(get(), patch)),
    updateNote: (noteId, patch) => commit(updateNoteEdit(get(), noteId, patch)),
    applyLayout: (positions) => commit(layoutEdit(get(), positions)),
    deleteSelection: () => commit(deleteSelectionEdit(get())),
    selectAll: () => set(selectAllEdit(get())),
    connectionProblem: (connection) => connectionRefusal(get(), connection),

    addNode(type, position) {
      const { id, edit } = addNodeEdit(get(), get().actionsByType, type, position);
      commit(edit);
      showPicked('added');
      return id;
    },

    addNote(position, text = '') {
      const { id, edit } = addNoteEdit(get(), position, text);
      commit(edit);
      return id;
    },

    applyNodeChanges(changes) {
      if (changes.length > 0 && changes.every(isDragMove)) {
        gestureStart ??= snapshot();
        moves.add(changes);
        return;
      }
      moves.flush();
      const state = get();
      const kinds = nodeChangeKinds(changes);
      if (kinds.gesture) gestureStart ??= snapshot();
      const settled = settleNodeChanges(state, changes, applyNodeChanges(changesToApply(changes, kinds), state.nodes), kinds);
      if (settled.isStep) {
        const before = gestureStart ?? snapshot();
        gestureStart = undefined;
        commit(settled.edit, before);
      } else {
        set(settled.edit);
      }
      if (settled.picked) showPicked('clicked');
    },

    applyEdgeChanges(changes) {
      const edges = applyEdgeChanges(changes, get().edges);
      if (changes.every((change) => change.type === 'select')) set({ edges });
      else commit({ edges });
    },

    connect(connection) {
      const edit = connectEdit(get(), get().actionsByType, connection);
      commit(edit);
      return edit !== undefined;
    },

    copySelection() {
      const fragment = makeFragment(get().nodes, get().edges);
      if (fragment === undefined) return undefined;
      clipboard = JSON.stringify(fragment, null, 2);
      return clipboard;
    },

    paste(text) {
      const fragment = (text === undefined ? undefined : parseFragment(text)) ?? (clipboard === undefined ? undefined : parseFragment(clipboard));
      const pasted = fragment === undefined ? undefined : pasteEdit(get(), get().actionsByType, fragment);
      commit(pasted?.edit);
      return pasted?.ids ?? [];
    },

    undo: () => restore(undoStep(history, snapshot())),
    redo: () => restore(redoStep(history, snapshot())),
  };
};
