import type { ReactFlowState } from '@xyflow/react';
import type { CanvasEdge, CanvasNode } from '../store/types.ts';
import { LABELLED_MIN_ZOOM } from './semantic-zoom.ts';

/**
 * Map mode: a big playbook zoomed out past the point where even a simplified node's name reads
 * (semantic-zoom.ts) is drawn as a map on one `<canvas>` (map-layer.tsx). React Flow keeps every
 * node, for the minimap, box selection and fitting, but only the live ones (selected, dragged,
 * under the pointer) are displayed: thousands of positioned elements cost a frame's worth of
 * compositing and hit-testing on every drag move, one canvas does not.
 */

/** Above this many nodes and notes a far zoom is drawn as a map; smaller graphs stay elements at every zoom. */
export const MAP_MIN_NODES = 400;
/** Below this zoom the graph is a map: the simplified names read under 11 px (semantic-zoom.ts). */
export const MAP_BELOW_ZOOM = LABELLED_MIN_ZOOM;

/** Whether a graph of `nodeCount` nodes is drawn as a map at `zoom`. */
export function drawsMap(zoom: number, nodeCount: number): boolean {
  return nodeCount > MAP_MIN_NODES && zoom < MAP_BELOW_ZOOM;
}

/**
 * React Flow store selector: whether a big graph would be a map at the current zoom. A boolean,
 * so the canvas re-renders only when the zoom crosses MAP_BELOW_ZOOM, not on every zoom frame.
 */
export const isMapZoom = (state: ReactFlowState): boolean => drawsMap(state.transform[2], MAP_MIN_NODES + 1);

/**
 * The nodes that stay elements on a map: selected or being dragged ones, and the `pointed` ones
 * (the node under the pointer, or both ends of the edge under it, so React Flow draws that edge).
 */
export function liveNodeIds(nodes: readonly CanvasNode[], pointed: readonly string[]): Set<string> {
  const live = new Set<string>(pointed);
  for (const node of nodes) if (node.selected === true || node.dragging === true) live.add(node.id);
  return live;
}

const NOT_DISPLAYED = { display: 'none' } as const;
const mapped = new WeakMap<CanvasNode, CanvasNode>();

/**
 * The node as React Flow gets it on a map: itself when live, else a copy that is not displayed
 * (React Flow still knows its box, so the minimap and box selection see it). Cached per node
 * object, so React Flow sees the same object from one drag frame to the next.
 */
export function onMap(node: CanvasNode, live: ReadonlySet<string>): CanvasNode {
  if (live.has(node.id)) return node;
  let copy = mapped.get(node);
  if (copy === undefined) {
    copy = { ...node, style: node.style === undefined ? NOT_DISPLAYED : { ...node.style, ...NOT_DISPLAYED } } as CanvasNode;
    mapped.set(node, copy);
  }
  return copy;
}

/** The edges React Flow draws on a map: those between two live nodes (the map layer draws the rest). */
export function liveEdges(edges: readonly CanvasEdge[], live: ReadonlySet<string>): CanvasEdge[] {
  return edges.filter((edge) => live.has(edge.source) && live.has(edge.target));
}
