import type { Problem } from '../../engine/validate/problems.ts';
import type { CanvasEdge, CanvasNode, GraphSlice } from './types.ts';

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
