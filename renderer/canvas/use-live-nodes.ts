import { useReactFlow } from '@xyflow/react';
import { useCallback, useRef, useState } from 'react';
import type { PointerEvent } from 'react';
import { useStore } from '../store/index.ts';
import type { CanvasEdge, CanvasNode } from '../store/types.ts';
import { edgeAtPoint, nodeAtPoint } from './map-hit.ts';
import { liveNodeIds } from './map-mode.ts';

const NO_LIVE: ReadonlySet<string> = new Set();
const NOTHING_POINTED: readonly string[] = [];
/** How near an edge the pointer must come on a map to display it, in screen pixels. */
const EDGE_REACH_PX = 4;

/**
 * On a map (map-mode.ts), the nodes React Flow displays: selected and dragged ones, and what is
 * under the pointer while no button is held (hit-tested on the layout, map-hit.ts): a node, or
 * both ends of an edge, so it can be clicked, dragged or connected as anywhere else. The set keeps
 * its identity while its members do not change, so a drag frame does not rebuild every node React Flow gets.
 */
export function useLiveNodes(map: boolean, nodes: readonly CanvasNode[]): { live: ReadonlySet<string>; onPointerMove: (event: PointerEvent) => void; onPointerLeave: () => void } {
  const [pointed, setPointed] = useState<readonly string[]>(NOTHING_POINTED);
  const previous = useRef<ReadonlySet<string>>(NO_LIVE);
  const flow = useReactFlow<CanvasNode, CanvasEdge>();
  const next = map ? liveNodeIds(nodes, pointed) : NO_LIVE;
  if (next.size !== previous.current.size || [...next].some((id) => !previous.current.has(id))) previous.current = next;
  const onPointerMove = useCallback(
    (event: PointerEvent) => {
      // While a button is held (a drag, a pan, a box selection) what is pointed stays: the dragged node lags the pointer by a move.
      if (event.buttons !== 0) return;
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const { nodes: current, edges, actionsByType } = useStore.getState();
      const node = nodeAtPoint(current, actionsByType, at.x, at.y);
      const edge = node === undefined ? edgeAtPoint(current, edges, actionsByType, at.x, at.y, EDGE_REACH_PX / flow.getZoom()) : undefined;
      const ids = node !== undefined ? [node] : edge !== undefined ? [edge.source, edge.target] : NOTHING_POINTED;
      setPointed((before) => (before.length === ids.length && before.every((id, index) => id === ids[index]) ? before : ids));
    },
    [flow],
  );
  const onPointerLeave = useCallback(() => setPointed(NOTHING_POINTED), []);
  return { live: previous.current, onPointerMove, onPointerLeave };
}

