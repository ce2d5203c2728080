import { isEdgeTaken, type Settlement } from '../../engine/run/readiness.ts';
import type { NodeRunState, RunState } from '../../engine/run/types.ts';

/** How a run went along one edge: `taken` carried the run on, `dead` never will; absent while not settled. */
export interface EdgeRun {
  state: 'taken' | 'dead';
  /** Out of a forEach node: how many items it mapped over. */
  items?: number;
}

/** The parts of a canvas edge its run state depends on (a `CanvasEdge` is one). */
export interface RunEdgeShape {
  id: string;
  source: string;
  sourceHandle?: string | null;
  data?: { port: string };
}

/** The port an edge leaves its source by, as the playbook file has it. */
export function portOf(edge: RunEdgeShape): string {
  return edge.sourceHandle ?? edge.data?.port ?? 'out';
}

/**
 * How a node ended, as its outgoing edges see it, rebuilt from its run state so the canvas asks
 * the engine's own `isEdgeTaken`. A skipped node that kept a port was skipped with an output
 * (it goes on along that port); without one it was disabled (passes through on `out`) or dead.
 * Undefined while the node has not settled (idle, running, paused, not run).
 */
export function settlementOf(node: NodeRunState | undefined, disabled: boolean): Settlement | undefined {
  switch (node?.status) {
    case 'succeeded':
    case 'simulated':
      return { kind: 'succeeded', port: node.port ?? 'out' };
    case 'failed':
      return { kind: 'failed', handled: node.port === 'error' };
    case 'skipped':
      if (node.port !== undefined) return { kind: 'succeeded', port: node.port };
      return { kind: 'skipped', reason: disabled ? 'disabled' : 'dead-path' };
    default:
      return undefined;
  }
}

/** One edge's run state; undefined while its source has not settled. */
export function edgeRunOf(edge: RunEdgeShape, run: RunState, disabled: boolean): EdgeRun | undefined {
  const node = run.nodes[edge.source];
  const settlement = settlementOf(node, disabled);
  if (settlement === undefined) return undefined;
  if (!isEdgeTaken(portOf(edge), settlement)) return { state: 'dead' };
  const items = node?.progress?.total;
  return items === undefined ? { state: 'taken' } : { state: 'taken', items };
}

function sameEdgeRun(a: EdgeRun | undefined, b: EdgeRun): boolean {
  return a !== undefined && a.state === b.state && a.items === b.items;
}

/**
 * Run states of `edges` in `run`, by edge id, reusing `previous` entries (and `previous` itself
 * when nothing changed), so an edge subscribed to its own entry re-renders only when it changes.
 * `disabled` says which nodes are switched off in the playbook (their edges pass through on `out`).
 */
export function deriveEdgeRun(
  previous: Readonly<Record<string, EdgeRun>>,
  edges: readonly RunEdgeShape[],
  run: RunState | undefined,
  disabled: (nodeId: string) => boolean,
): Record<string, EdgeRun> {
  if (run === undefined) return Object.keys(previous).length === 0 ? (previous as Record<string, EdgeRun>) : {};
  const next: Record<string, EdgeRun> = {};
  let changed = false;
  let count = 0;
  for (const edge of edges) {
    const state = edgeRunOf(edge, run, disabled(edge.source));
    if (state === undefined) continue;
    const before = previous[edge.id];
    next[edge.id] = sameEdgeRun(before, state) ? before! : state;
    if (next[edge.id] !== before) changed = true;
    count++;
  }
  if (!changed && count === Object.keys(previous).length) return previous as Record<string, EdgeRun>;
  return next;
}

/** Each edges array's edges by source node, built once per array (the graph slice replaces it on every edit). */
const bySourceCache = new WeakMap<readonly RunEdgeShape[], Map<string, RunEdgeShape[]>>();

function edgesBySource(edges: readonly RunEdgeShape[]): Map<string, RunEdgeShape[]> {
  let index = bySourceCache.get(edges);
  if (index === undefined) {
    index = new Map();
    for (const edge of edges) {
      const list = index.get(edge.source);
      if (list === undefined) index.set(edge.source, [edge]);
      else list.push(edge);
    }
    bySourceCache.set(edges, index);
  }
  return index;
}

/**
 * `deriveEdgeRun` for the edges leaving `nodeIds` only: a live frame's events touch a few nodes
 * of a graph that may have thousands, so the rest of `previous` is kept as it is (and `previous`
 * itself when none of those edges changed).
 */
export function updateEdgeRun(
  previous: Readonly<Record<string, EdgeRun>>,
  edges: readonly RunEdgeShape[],
  run: RunState,
  disabled: (nodeId: string) => boolean,
  nodeIds: Iterable<string>,
): Record<string, EdgeRun> {
  const index = edgesBySource(edges);
  let next: Record<string, EdgeRun> | undefined;
  for (const nodeId of nodeIds) {
    for (const edge of index.get(nodeId) ?? []) {
      const state = edgeRunOf(edge, run, disabled(nodeId));
      const before = previous[edge.id];
      if (state === undefined ? before === undefined : sameEdgeRun(before, state)) continue;
      next ??= { ...previous };
      if (state === undefined) delete next[edge.id];
      else next[edge.id] = state;
    }
  }
  return next ?? (previous as Record<string, EdgeRun>);
}
