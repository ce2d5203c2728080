import type { NodeStatus } from '../../engine/run/events.ts';
import type { Problem } from '../../engine/validate/problems.ts';
import type { EdgeRun } from '../store/replay-edges.ts';
import type { CanvasEdge, CanvasNode, CatalogueItem } from '../store/types.ts';
import { boxSize } from './box-size.ts';
import type { BoxSize } from './box-size.ts';
import { kindOf } from './categories.ts';
import type { NodeKind } from './categories.ts';
import { simplifiedLabelPx } from './semantic-zoom.ts';

/**
 * What the map layer draws (map-mode.ts): every node as a block in its kind's colour with its run
 * status as a ring, every edge as React Flow's default curve with the shown run's taken and dead
 * marks, in screen pixels and only what the canvas shows. Pure, so the painter stays a thin loop.
 */

/** Colours from the theme (the canvas CSS variables), read once per theme. */
export interface MapPalette {
  surface: string;
  border: string;
  note: string;
  edge: string;
  danger: string;
  warning: string;
  accent: string;
  text: string;
  kinds: Partial<Record<NodeKind, string>>;
  statuses: Partial<Record<NodeStatus, string>>;
}

export interface MapViewport {
  x: number;
  y: number;
  zoom: number;
  width: number;
  height: number;
}

export interface MapInput {
  nodes: readonly CanvasNode[];
  edges: readonly CanvasEdge[];
  /** Nodes React Flow draws itself (map-mode.ts `liveNodeIds`): left out, with the edges between two of them. */
  live: ReadonlySet<string>;
  actionsByType: Record<string, CatalogueItem>;
  nodeStatus: Readonly<Record<string, NodeStatus>>;
  problemsByNode: Readonly<Record<string, readonly Problem[]>>;
  edgeRun: Readonly<Record<string, EdgeRun>>;
  viewport: MapViewport;
  palette: MapPalette;
}

/**
 * A node's block in screen pixels: filled, a stripe of its kind on the left, a ring in its status's
 * colour when it has run, an outline in the worst problem's colour, a bar on top for a breakpoint
 * (as the simplified node draws them).
 */
export interface MapBlock {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
  stripe: string;
  ring: string | undefined;
  problem: string | undefined;
  breakpoint: boolean;
  /** The node's name (none for a note). */
  name: string | undefined;
}

/** An edge as a cubic Bézier in screen pixels. */
export interface MapCurve {
  id: string;
  points: [number, number, number, number, number, number, number, number];
  colour: string;
  width: number;
  alpha: number;
  dashed: boolean;
}

export interface MapScene {
  blocks: MapBlock[];
  curves: MapCurve[];
  /** Screen size of the names, as the simplified node sets them; undefined when too small to draw. */
  labelPx: number | undefined;
}

/** Names smaller than this on screen are not drawn: they would read as noise, and cost a text run each. */
export const MAP_LABEL_MIN_PX = 6;

/** The thinnest line drawn, in screen pixels, so edges stay visible however far out. */
const MIN_LINE_PX = 0.75;
/** React Flow's default Bézier curvature. */
const CURVATURE = 0.25;

const sizes = new WeakMap<CanvasNode, BoxSize>();

/** A node's box, cached per node object: a drag frame changes one node, so the others are not measured again. */
export function mapBoxSize(node: CanvasNode, actionsByType: Record<string, CatalogueItem>): BoxSize {
  let size = sizes.get(node);
  if (size === undefined) {
    size = boxSize(node, actionsByType);
    sizes.set(node, size);
  }
  return size;
}

/** The scene for one paint: blocks and curves inside the viewport, live nodes and the edges between them left to React Flow. */
export function mapScene(input: MapInput): MapScene {
  const { nodes, edges, live, actionsByType, viewport, palette } = input;
  const { zoom } = viewport;
  const boxes = new Map<string, { x: number; y: number; width: number; height: number }>();
  const blocks: MapBlock[] = [];
  for (const node of nodes) {
    const size = mapBoxSize(node, actionsByType);
    const box = { x: node.position.x * zoom + viewport.x, y: node.position.y * zoom + viewport.y, width: size.width * zoom, height: size.height * zoom };
    boxes.set(node.id, box);
    if (live.has(node.id) || !overlaps(box, viewport)) continue;
    blocks.push(blockOf(node, box, input));
  }
  const curves: MapCurve[] = [];
  const lineWidth = Math.max(MIN_LINE_PX, zoom);
  for (const edge of edges) {
    if (live.has(edge.source) && live.has(edge.target)) continue;
    const from = boxes.get(edge.source);
    const to = boxes.get(edge.target);
    if (from === undefined || to === undefined) continue;
    const points = bezier(from.x + from.width, from.y + from.height / 2, to.x, to.y + to.height / 2);
    if (!overlaps(boundsOf(points), viewport)) continue;
    curves.push(curveOf(edge, points, lineWidth, input.edgeRun[edge.id], palette));
  }
  const labelPx = simplifiedLabelPx() * zoom;
  return { blocks, curves, labelPx: labelPx >= MAP_LABEL_MIN_PX ? labelPx : undefined };
}

function blockOf(node: CanvasNode, box: { x: number; y: number; width: number; height: number }, input: MapInput): MapBlock {
  const { palette } = input;
  if (node.type === 'note') return { id: node.id, ...box, fill: palette.note, stripe: palette.note, ring: undefined, problem: undefined, breakpoint: false, name: undefined };
  const kind = kindOf(input.actionsByType[node.data.node.type], node.data.node.type);
  const status = input.nodeStatus[node.id];
  const ring = status === undefined || status === 'idle' ? undefined : (palette.statuses[status] ?? palette.accent);
  const problems = input.problemsByNode[node.id] ?? [];
  const problem = problems.length === 0 ? undefined : problems.some((entry) => entry.severity === 'error') ? palette.danger : palette.warning;
  return { id: node.id, ...box, fill: palette.surface, stripe: palette.kinds[kind] ?? palette.border, ring, problem, breakpoint: node.data.node.breakpoint === true, name: node.data.node.name };
}

function curveOf(edge: CanvasEdge, points: MapCurve['points'], lineWidth: number, run: EdgeRun | undefined, palette: MapPalette): MapCurve {
  const error = (edge.sourceHandle ?? edge.data?.port) === 'error';
  const curve: MapCurve = { id: edge.id, points, colour: error ? palette.danger : palette.edge, width: lineWidth, alpha: error ? 0.8 : 1, dashed: error };
  if (edge.selected === true) return { ...curve, colour: palette.accent, alpha: 1 };
  if (run?.state === 'taken') return { ...curve, colour: palette.statuses.succeeded ?? palette.accent, width: lineWidth * 2.5, alpha: 1 };
  if (run?.state === 'dead') return { ...curve, alpha: 0.3, dashed: true };
  return curve;
}

/** React Flow's default edge from a right-hand source to a left-hand target: start, two control points, end. */
export function bezier(sx: number, sy: number, tx: number, ty: number): MapCurve['points'] {
  const distance = tx - sx;
  const offset = distance >= 0 ? 0.5 * distance : CURVATURE * 25 * Math.sqrt(-distance);
  return [sx, sy, sx + offset, sy, tx - offset, ty, tx, ty];
}

/** The curve's control box, which holds the whole curve. */
function boundsOf(points: MapCurve['points']): { x: number; y: number; width: number; height: number } {
  const xs = [points[0], points[2], points[4], points[6]];
  const ys = [points[1], points[3], points[5], points[7]];
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

function overlaps(box: { x: number; y: number; width: number; height: number }, view: MapViewport): boolean {
  return box.x <= view.width && box.y <= view.height && box.x + box.width >= 0 && box.y + box.height >= 0;
}
