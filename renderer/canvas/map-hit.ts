import type { CanvasEdge, CanvasNode, CatalogueItem } from '../store/types.ts';
import { bezier, mapBoxSize } from './map-scene.ts';

/**
 * What the pointer is over on the map (map-mode.ts), in flow coordinates: the map is one canvas,
 * so the node or edge under the pointer is found from the layout, then displayed by React Flow.
 */

/** Straight pieces an edge's curve is cut into to measure how near the pointer is. */
const CURVE_PIECES = 16;

/** The node whose box holds flow point (x, y): the last drawn, so the one on top; notes lie under nodes. */
export function nodeAtPoint(nodes: readonly CanvasNode[], actionsByType: Record<string, CatalogueItem>, x: number, y: number): string | undefined {
  for (let index = nodes.length - 1; index >= 0; index--) {
    const node = nodes[index]!;
    const size = mapBoxSize(node, actionsByType);
    if (x >= node.position.x && x <= node.position.x + size.width && y >= node.position.y && y <= node.position.y + size.height) return node.id;
  }
  return undefined;
}

/**
 * The edge whose curve (as the map draws it, map-scene.ts `bezier`) passes nearest flow point
 * (x, y), if within `reach` flow pixels.
 */
export function edgeAtPoint(
  nodes: readonly CanvasNode[],
  edges: readonly CanvasEdge[],
  actionsByType: Record<string, CatalogueItem>,
  x: number,
  y: number,
  reach: number,
): CanvasEdge | undefined {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  let nearest: CanvasEdge | undefined;
  let best = reach;
  for (const edge of edges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (source === undefined || target === undefined) continue;
    const from = mapBoxSize(source, actionsByType);
    const to = mapBoxSize(target, actionsByType);
    const p = bezier(source.position.x + from.width, source.position.y + from.height / 2, target.position.x, target.position.y + to.height / 2);
    if (x < Math.min(p[0], p[2], p[4], p[6]) - best || x > Math.max(p[0], p[2], p[4], p[6]) + best) continue;
    if (y < Math.min(p[1], p[3], p[5], p[7]) - best || y > Math.max(p[1], p[3], p[5], p[7]) + best) continue;
    let previous = [p[0], p[1]] as const;
    for (let piece = 1; piece <= CURVE_PIECES; piece++) {
      const next = pointOnCurve(p, piece / CURVE_PIECES);
      const distance = distanceToSegment(x, y, previous[0], previous[1], next[0], next[1]);
      if (distance <= best) {
        best = distance;
        nearest = edge;
      }
      previous = next;
    }
  }
  return nearest;
}

function pointOnCurve(p: readonly number[], t: number): readonly [number, number] {
  const u = 1 - t;
  const a = u * u * u;
  const b = 3 * u * u * t;
  const c = 3 * u * t * t;
  const d = t * t * t;
  return [a * p[0]! + b * p[2]! + c * p[4]! + d * p[6]!, a * p[1]! + b * p[3]! + c * p[5]! + d * p[7]!];
}

function distanceToSegment(x: number, y: number, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const length = dx * dx + dy * dy;
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / length));
  return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy));
}
