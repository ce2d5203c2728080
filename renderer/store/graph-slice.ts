import { applyEdgeChanges, applyNodeChanges } from '@xyflow/react';
import type { NodeChange } from '@xyflow/react';
import type { StateCreator } from 'zustand';
import type { Playbook, PlaybookNode } from '../../engine/format/playbook.ts';
import type { Problem } from '../../engine/validate/problems.ts';
import { connectionRefusal } from '../canvas/connection-rules.ts';
import { rpc } from '../rpc/index.ts';
import { credentialConnectorOf } from './catalogue-slice.ts';
import { makeFragment, parseFragment, placeFragment } from './fragment.ts';
import { panelAfterPick } from './panel-after-pick.ts';
import type { NodePick } from './panel-after-pick.ts';
import { edgeIdAllocator, fromPlaybook, slugify, toCanvasEdge, toPlaybook, uniqueId } from './playbook-to-canvas.ts';
import { restoreSelection } from './restore-selection.ts';
import type { AppState, CanvasEdge, CanvasNode, CatalogueItem, GraphSlice } from './types.ts';

/** Runs `flush` once, soon; tests inject one that runs at once. */
export type MoveScheduler = (flush: () => void) => void;

/**
 * Drag moves are applied in a task of their own right after the pointer events, as React does
 * with its own continuous updates: the browser can paint the previous frame meanwhile instead of
 * fitting the whole update and the paint into one frame.
 */
const nextTask: MoveScheduler = (flush) => {
  setTimeout(flush, 0);
};

let scheduleMove: MoveScheduler = nextTask;

/**
 * Replaces how drag moves are batched (undefined restores the default). Tests pass
 * `(flush) => flush()` to see every move at once.
 */
export function setMoveScheduler(scheduler: MoveScheduler | undefined): void {
  scheduleMove = scheduler ?? nextTask;
}

/** Undo steps kept; snapshots share every unchanged node, so a step costs about one array. */
export const HISTORY_LIMIT = 200;
/** Quiet time after an edit before the host re-validates the playbook. */
const VALIDATE_DELAY_MS = 400;

/** One undo step: the editable state as it was. Arrays are never mutated, so snapshots share nodes. */
interface Snapshot {
  playbook: Playbook | undefined;
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  /** Identifies the state, so "saved" survives undo and redo. */
  seq: number;
}

type PlaybookCanvasNode = Extract<CanvasNode, { type: 'playbook' }>;
type NoteCanvasNode = Extract<CanvasNode, { type: 'note' }>;

/**
 * The playbook being edited, as React Flow nodes and edges. Every edit goes through `commit`,
 * which records one undo step; drags and resizes record theirs when the gesture ends. Node
 * `data` objects change only when the node itself does, so moving one node re-renders one node.
 */
export const createGraphSlice: StateCreator<AppState, [], [], GraphSlice> = (set, get) => {
  let past: Snapshot[] = [];
  let future: Snapshot[] = [];
  let counter = 0;
  let seq = 0;
  let savedSeq = 0;
  /** State before the drag or resize in progress. */
  let gestureStart: Snapshot | undefined;
  let clipboard: string | undefined;
  let validateTimer: ReturnType<typeof setTimeout> | undefined;
  let revealSeq = 0;
  /** Drag moves not applied yet: applied together in one update, however many pointer events arrive first. */
  let pendingMoves: NodeChange<CanvasNode>[] = [];
  let moveScheduled = false;

  const flushMoves = (): void => {
    moveScheduled = false;
    if (pendingMoves.length === 0) return;
    const changes = pendingMoves;
    pendingMoves = [];
    set({ nodes: applyNodeChanges(changes, get().nodes) });
  };

  const snapshot = (): Snapshot => {
    const state = get();
    return { playbook: state.playbook, nodes: state.nodes, edges: state.edges, seq };
  };

  const historyFlags = () => ({ canUndo: past.length > 0, canRedo: future.length > 0 });

  const remember = (step: Snapshot): void => {
    past.push(step);
    if (past.length > HISTORY_LIMIT) past = past.slice(past.length - HISTORY_LIMIT);
    future = [];
  };

  /** Applies an edit as one undo step. */
  const commit = (next: Partial<Pick<AppState, 'playbook' | 'nodes' | 'edges' | 'selectedNodeId'>>, before: Snapshot = snapshot()): void => {
    remember(before);
    seq = ++counter;
    set({ ...next, dirty: seq !== savedSeq, ...historyFlags() });
    scheduleValidate();
  };

  /** Brings the picked node into view in the side panel (see `panelAfterPick`). */
  const showPicked = (pick: NodePick): void => {
    const { panel, setPanel } = get();
    setPanel(panelAfterPick(panel, pick));
  };

  const restore = (step: Snapshot): void => {
    pendingMoves = [];
    const state = get();
    seq = step.seq;
    const measured = new Map(state.nodes.map((node) => [node.id, node.measured]));
    const measuredNodes = step.nodes.map((node) => {
      const size = measured.get(node.id);
      return node.measured === undefined && size !== undefined ? { ...node, measured: size } : node;
    });
    const playbook = step.playbook === undefined || state.playbook === undefined ? step.playbook : { ...step.playbook, revision: state.playbook.revision };
    const { nodes, selectedNodeId } = restoreSelection(state.nodes, measuredNodes, state.selectedNodeId);
    set({ playbook, nodes, edges: step.edges, selectedNodeId, dirty: seq !== savedSeq, ...historyFlags() });
    scheduleValidate();
  };

  const scheduleValidate = (): void => {
    clearTimeout(validateTimer);
    validateTimer = setTimeout(() => void validate(), VALIDATE_DELAY_MS);
  };

  const validate = async (): Promise<void> => {
    const playbook = get().toPlaybook();
    if (playbook === undefined) return;
    const at = seq;
    try {
      const { problems } = await rpc.call('playbooks.validate', { playbook });
      if (seq === at) set(problemState(problems, get().nodes, get().edges, get().problemsByNode));
    } catch {
      // Validation is advisory while editing; saving reports problems again.
    }
  };

  /** The slot a node of this connector uses, creating it in the manifest when the playbook has none. */
  const credentialFor = (item: CatalogueItem | undefined, playbook: Playbook | undefined): { slot?: string; playbook: Playbook | undefined } => {
    const connector = item?.action.credentials?.required === false ? undefined : credentialConnectorOf(item);
    if (connector === undefined || playbook === undefined) return { playbook };
    const existing = Object.entries(playbook.credentials).find(([, slot]) => slot.connector === connector);
    if (existing !== undefined) return { slot: existing[0], playbook };
    const slot = uniqueId(connector, new Set(Object.keys(playbook.credentials)));
    return { slot, playbook: { ...playbook, credentials: { ...playbook.credentials, [slot]: { connector } } } };
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
      pendingMoves = [];
      past = [];
      future = [];
      gestureStart = undefined;
      clearTimeout(validateTimer);
      seq = ++counter;
      savedSeq = seq;
      set({
        playbook: graph.playbook,
        nodes: graph.nodes,
        edges: graph.edges,
        selectedNodeId: undefined,
        dirty: false,
        saveError: undefined,
        reveal: undefined,
        loadSeq: get().loadSeq + 1,
        ...historyFlags(),
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
      const at = seq;
      set({ saving: true });
      try {
        const result = await rpc.call('playbooks.save', { playbook, expectedRevision: playbook.revision });
        savedSeq = at;
        const current = get().playbook;
        set({
          saving: false,
          saveError: undefined,
          dirty: seq !== savedSeq,
          playbook: current === undefined ? current : { ...current, revision: result.playbook.revision },
          ...problemState(result.problems, get().nodes, get().edges, get().problemsByNode),
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const sentence =
          (error as { code?: string }).code === 'CONFLICT'
            ? `The playbook was not saved: it changed on disk since it was opened (${reason}). Reopen it to see the other change.`
            : `The playbook was not saved: ${reason}`;
        set({ saving: false, saveError: sentence });
        get().notify('error', sentence);
      }
    },

    select(nodeId, options = {}) {
      const nodes = get().nodes;
      const target = nodeId === undefined ? undefined : nodes.find((node) => node.id === nodeId);
      const next = nodes.map((node) => {
        const selected = node.id === target?.id;
        return (node.selected === true) === selected ? node : { ...node, selected };
      });
      set({
        nodes: next,
        selectedNodeId: target?.type === 'playbook' ? target.id : undefined,
        ...(options.reveal === true && target !== undefined ? { reveal: { nodeId: target.id, seq: ++revealSeq } } : {}),
      });
    },

    updateNode(nodeId, patch) {
      const nodes = get().nodes;
      const index = nodes.findIndex((node) => node.id === nodeId && node.type === 'playbook');
      const current = nodes[index] as PlaybookCanvasNode | undefined;
      if (current === undefined) return;
      const merged: Record<string, unknown> = { ...current.data.node, ...patch, id: nodeId };
      for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
      const next = nodes.slice();
      next[index] = { ...current, data: { ...current.data, node: merged as PlaybookNode } };
      commit({ nodes: next });
    },

    updatePlaybook(patch) {
      const playbook = get().playbook;
      if (playbook === undefined) return;
      commit({ playbook: { ...playbook, ...patch } });
    },

    addNode(type, position) {
      const state = get();
      const item = state.actionsByType[type];
      const title = item?.action.title ?? type.replace(/@\d+$/, '').split('.').pop() ?? 'node';
      const id = uniqueId(slugify(title), new Set(state.nodes.map((node) => node.id)));
      const { slot, playbook } = credentialFor(item, state.playbook);
      const node: PlaybookNode = { id, type, name: title, params: {} };
      if (slot !== undefined) node.credential = slot;
      const added: PlaybookCanvasNode = { id, type: 'playbook', position: rounded(position), data: { node }, selected: true };
      commit({ playbook, nodes: [...deselected(state.nodes), added], edges: deselected(state.edges), selectedNodeId: id });
      showPicked('added');
      return id;
    },

    addNote(position, text = '') {
      const state = get();
      const id = uniqueId('note', new Set(state.nodes.map((node) => node.id)));
      const note: NoteCanvasNode = { id, type: 'note', position: rounded(position), data: { text }, selected: true };
      commit({ nodes: [note, ...deselected(state.nodes)], selectedNodeId: undefined });
      return id;
    },

    updateNote(noteId, patch) {
      const nodes = get().nodes;
      const index = nodes.findIndex((node) => node.id === noteId && node.type === 'note');
      const current = nodes[index] as NoteCanvasNode | undefined;
      if (current === undefined) return;
      const data = { ...current.data, ...patch };
      if (data.text === current.data.text && data.color === current.data.color) return;
      const next = nodes.slice();
      next[index] = { ...current, data };
      commit({ nodes: next });
    },

    applyNodeChanges(changes) {
      if (changes.length > 0 && changes.every(isDragMove)) {
        gestureStart ??= snapshot();
        pendingMoves.push(...changes);
        if (!moveScheduled) {
          moveScheduled = true;
          scheduleMove(flushMoves);
        }
        return;
      }
      flushMoves();
      const state = get();
      let gesture = false;
      let gestureEnd = false;
      let structural = false;
      let selection = false;
      for (const change of changes) {
        if (change.type === 'position') {
          if (change.dragging === true) gesture = true;
          else if (change.position !== undefined || change.dragging === false) gestureEnd = true;
        } else if (change.type === 'dimensions') {
          if (change.resizing === true) gesture = true;
          else if (change.resizing === false) gestureEnd = true;
        } else if (change.type === 'select') {
          selection = true;
        } else {
          structural = true;
        }
      }
      if (gesture) {
        gestureStart ??= snapshot();
        gestureEnd = false;
      }
      const finalChanges = gestureEnd ? changes.map(roundPosition) : changes;
      const nodes = applyNodeChanges(finalChanges, state.nodes);
      let edges = state.edges;
      if (structural) {
        const ids = new Set(nodes.map((node) => node.id));
        edges = edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target));
      }
      const selectedNodeId = selection || structural ? nextSelectedId(state.selectedNodeId, changes, nodes) : state.selectedNodeId;
      const picked = selection && changes.some((change) => change.type === 'select' && change.selected && change.id === selectedNodeId);
      if (structural || gestureEnd) {
        const before = gestureStart ?? snapshot();
        gestureStart = undefined;
        commit({ nodes, edges, selectedNodeId }, before);
      } else {
        set({ nodes, selectedNodeId });
      }
      if (picked) showPicked('clicked');
    },

    applyEdgeChanges(changes) {
      const edges = applyEdgeChanges(changes, get().edges);
      if (changes.every((change) => change.type === 'select')) set({ edges });
      else commit({ edges });
    },

    connectionProblem(connection) {
      return connectionRefusal(get(), connection);
    },

    connect(connection) {
      const state = get();
      if (state.connectionProblem(connection) !== undefined || connection.sourceHandle === null) return false;
      const id = edgeIdAllocator(state.edges)();
      commit({ edges: [...state.edges, toCanvasEdge({ id, from: connection.source, port: connection.sourceHandle, to: connection.target })] });
      return true;
    },

    deleteSelection() {
      const state = get();
      const removed = new Set(state.nodes.filter((node) => node.selected === true).map((node) => node.id));
      const edges = state.edges.filter((edge) => edge.selected !== true && !removed.has(edge.source) && !removed.has(edge.target));
      if (removed.size === 0 && edges.length === state.edges.length) return;
      const nodes = removed.size === 0 ? state.nodes : state.nodes.filter((node) => !removed.has(node.id));
      const selectedNodeId = state.selectedNodeId !== undefined && removed.has(state.selectedNodeId) ? undefined : state.selectedNodeId;
      commit({ nodes, edges, selectedNodeId });
    },

    selectAll() {
      const { nodes, edges } = get();
      set({
        nodes: nodes.map((node) => (node.selected === true ? node : { ...node, selected: true })),
        edges: edges.map((edge) => (edge.selected === true ? edge : { ...edge, selected: true })),
      });
    },

    copySelection() {
      const { nodes, edges } = get();
      const fragment = makeFragment(nodes, edges);
      if (fragment === undefined) return undefined;
      clipboard = JSON.stringify(fragment, null, 2);
      return clipboard;
    },

    paste(text) {
      const fragment = (text === undefined ? undefined : parseFragment(text)) ?? (clipboard === undefined ? undefined : parseFragment(clipboard));
      if (fragment === undefined || (fragment.nodes.length === 0 && (fragment.notes?.length ?? 0) === 0)) return [];
      const state = get();
      const placed = placeFragment(fragment, state);
      let playbook = state.playbook;
      const nodes = placed.nodes.map((node) => {
        if (node.type !== 'playbook') return node;
        const item = state.actionsByType[node.data.node.type];
        const slot = node.data.node.credential;
        if (playbook === undefined || (slot !== undefined && playbook.credentials[slot] !== undefined)) return node;
        const binding = credentialFor(item, playbook);
        playbook = binding.playbook;
        if (binding.slot === undefined) return node;
        return { ...node, data: { node: { ...node.data.node, credential: binding.slot } } };
      });
      const lastNode = [...nodes].reverse().find((node) => node.type === 'playbook');
      commit({
        playbook,
        nodes: [...deselected(state.nodes), ...nodes],
        edges: [...deselected(state.edges), ...placed.edges],
        selectedNodeId: lastNode?.id,
      });
      return nodes.map((node) => node.id);
    },

    applyLayout(positions) {
      const nodes = get().nodes;
      let moved = false;
      const next = nodes.map((node) => {
        const position = positions[node.id];
        if (position === undefined) return node;
        const target = rounded(position);
        if (target.x === node.position.x && target.y === node.position.y) return node;
        moved = true;
        return { ...node, position: target };
      });
      if (moved) commit({ nodes: next });
    },

    undo() {
      const step = past.pop();
      if (step === undefined) return;
      gestureStart = undefined;
      future.push(snapshot());
      restore(step);
    },

    redo() {
      const step = future.pop();
      if (step === undefined) return;
      gestureStart = undefined;
      past.push(snapshot());
      restore(step);
    },
  };
};

/**
 * `problems` and the index the nodes read: each problem goes to its node (by id, by the
 * `nodes[i]` of its path, or to the source of its edge). A node whose problems did not change
 * keeps its array from `previous` (and the index is kept whole when nothing changed), so
 * re-validating after an edit re-renders only the nodes whose problems changed.
 */
export function problemState(
  problems: Problem[],
  nodes: readonly CanvasNode[],
  edges: readonly CanvasEdge[],
  previous: Record<string, Problem[]> = {},
): Pick<GraphSlice, 'problems' | 'problemsByNode'> {
  const order = nodes.filter((node) => node.type === 'playbook').map((node) => node.id);
  const sources = new Map(edges.map((edge) => [edge.id, edge.source]));
  const grouped: Record<string, Problem[]> = {};
  for (const problem of problems) {
    const index = /^nodes\[(\d+)\]/.exec(problem.path ?? '');
    const nodeId =
      problem.nodeId ??
      (index === null ? undefined : order[Number(index[1])]) ??
      (problem.edgeId === undefined ? undefined : sources.get(problem.edgeId));
    if (nodeId === undefined) continue;
    (grouped[nodeId] ??= []).push(problem);
  }
  let unchanged = Object.keys(previous).length === Object.keys(grouped).length;
  const problemsByNode: Record<string, Problem[]> = {};
  for (const [nodeId, list] of Object.entries(grouped)) {
    const before = previous[nodeId];
    const same = before !== undefined && before.length === list.length && before.every((problem, i) => sameProblem(problem, list[i]));
    problemsByNode[nodeId] = same ? before : list;
    if (!same) unchanged = false;
  }
  return { problems, problemsByNode: unchanged ? previous : problemsByNode };
}

function sameProblem(a: Problem, b: Problem | undefined): boolean {
  return (
    b !== undefined &&
    a.code === b.code &&
    a.message === b.message &&
    a.severity === b.severity &&
    a.path === b.path &&
    a.nodeId === b.nodeId &&
    a.edgeId === b.edgeId &&
    a.line === b.line &&
    a.column === b.column
  );
}

function nextSelectedId(current: string | undefined, changes: readonly NodeChange<CanvasNode>[], nodes: readonly CanvasNode[]): string | undefined {
  let chosen: string | undefined;
  let lostCurrent = false;
  for (const change of changes) {
    if (change.type === 'select' && change.selected) chosen = change.id;
    else if ((change.type === 'select' || change.type === 'remove') && change.id === current) lostCurrent = true;
  }
  if (chosen !== undefined) {
    const node = nodes.find((candidate) => candidate.id === chosen);
    if (node?.type === 'playbook') return chosen;
  }
  if (!lostCurrent) return current;
  return nodes.find((node) => node.type === 'playbook' && node.selected === true)?.id;
}

/** A pointer move in the middle of a drag: batched, since only the latest position will show. */
function isDragMove(change: NodeChange<CanvasNode>): boolean {
  return change.type === 'position' && change.dragging === true;
}

function roundPosition(change: NodeChange<CanvasNode>): NodeChange<CanvasNode> {
  if (change.type !== 'position' || change.position === undefined) return change;
  return { ...change, position: rounded(change.position) };
}

function rounded(position: { x: number; y: number }): { x: number; y: number } {
  return { x: Math.round(position.x), y: Math.round(position.y) };
}

/** The items with `selected` cleared, reusing every object that was not selected. */
function deselected<T extends { selected?: boolean }>(items: readonly T[]): T[] {
  return items.map((item) => (item.selected === true ? { ...item, selected: false } : item));
}
