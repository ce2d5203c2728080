import type { NodeChange } from '@xyflow/react';
import type { CanvasNode } from '../types.ts';
import { rounded } from './graph-value.ts';
import type { GraphEdit, GraphValue } from './graph-value.ts';

type Change = NodeChange<CanvasNode>;

/** What a batch of React Flow node changes amounts to, which decides whether it is an undo step. */
export interface NodeChangeKinds {
  /** A drag or resize is under way: the step is recorded when it ends. */
  gesture: boolean;
  /** A drag or resize ended (or a node was placed outright): one undo step. */
  gestureEnd: boolean;
  /** Nodes added, removed or replaced: one undo step. */
  structural: boolean;
  selection: boolean;
}

/** A pointer move in the middle of a drag: batched, since only the latest position will show. */
export function isDragMove(change: Change): boolean {
  return change.type === 'position' && change.dragging === true;
}

/** Sorts the batch's changes; a batch still mid-gesture is not its end, whatever else it holds. */
export function nodeChangeKinds(changes: readonly Change[]): NodeChangeKinds {
  const kinds: NodeChangeKinds = { gesture: false, gestureEnd: false, structural: false, selection: false };
  for (const change of changes) {
    if (change.type === 'position') {
      if (change.dragging === true) kinds.gesture = true;
      else if (change.position !== undefined || change.dragging === false) kinds.gestureEnd = true;
    } else if (change.type === 'dimensions') {
      if (change.resizing === true) kinds.gesture = true;
      else if (change.resizing === false) kinds.gestureEnd = true;
    } else if (change.type === 'select') {
      kinds.selection = true;
    } else {
      kinds.structural = true;
    }
  }
  if (kinds.gesture) kinds.gestureEnd = false;
  return kinds;
}

/** The changes to apply: where a gesture ends, positions land on whole pixels. */
export function changesToApply(changes: Change[], kinds: NodeChangeKinds): Change[] {
  return kinds.gestureEnd ? changes.map(roundPosition) : changes;
}

/** The graph once React Flow has applied the changes (`applied`), and whether that is one undo step. */
export interface SettledNodeChanges {
  edit: GraphEdit;
  /** Record an undo step (structural change or the end of a gesture); otherwise only show it. */
  isStep: boolean;
  /** The user clicked the node the Inspector now shows, so the side panel brings it into view. */
  picked: boolean;
}

/**
 * Completes applied node changes: edges lose an end that was removed, and the Inspector's node
 * follows a click or a removal (see `nextSelectedId`).
 */
export function settleNodeChanges(graph: GraphValue, changes: readonly Change[], applied: CanvasNode[], kinds: NodeChangeKinds): SettledNodeChanges {
  const edit: GraphEdit = { nodes: applied };
  if (kinds.structural) {
    const ids = new Set(applied.map((node) => node.id));
    edit.edges = graph.edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target));
  }
  const selectedNodeId = kinds.selection || kinds.structural ? nextSelectedId(graph.selectedNodeId, changes, applied) : graph.selectedNodeId;
  edit.selectedNodeId = selectedNodeId;
  const picked = kinds.selection && changes.some((change) => change.type === 'select' && change.selected && change.id === selectedNodeId);
  return { edit, isStep: kinds.structural || kinds.gestureEnd, picked };
}

/**
 * The node the Inspector shows after the changes: a playbook node just clicked; else the current
 * one while it stays selected; else another selected playbook node, if any.
 */
export function nextSelectedId(current: string | undefined, changes: readonly Change[], nodes: readonly CanvasNode[]): string | undefined {
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

function roundPosition(change: Change): Change {
  if (change.type !== 'position' || change.position === undefined) return change;
  return { ...change, position: rounded(change.position) };
}
