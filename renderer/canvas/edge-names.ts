import type { CanvasEdge, CanvasNode } from '../store/types.ts';

/**
 * Accessible names for edges: React Flow announces an edge as "Edge from check_ip to block_ip";
 * a screen-reader user hears the names the canvas shows instead ("Check IP to Block IP, port
 * malicious"). Pure, and cached per edge object so React Flow gets the same edge back while its
 * label is unchanged (a drag never re-renders the edges).
 */

/** Node names by id; note nodes have none. */
export function nodeNames(nodes: readonly CanvasNode[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const node of nodes) if (node.type === 'playbook') names.set(node.id, node.data.node.name || node.id);
  return names;
}

/** Whether `names` still holds every node's name: the node array changes on every drag frame, the names rarely do. */
export function namesMatch(nodes: readonly CanvasNode[], names: ReadonlyMap<string, string>): boolean {
  let count = 0;
  for (const node of nodes) {
    if (node.type !== 'playbook') continue;
    count++;
    if (names.get(node.id) !== (node.data.node.name || node.id)) return false;
  }
  return count === names.size;
}

/** "Check IP to Block IP, port malicious": the two ends by name, and the port unless it is the plain `out`. */
export function edgeLabel(edge: CanvasEdge, names: ReadonlyMap<string, string>): string {
  const port = edge.sourceHandle ?? edge.data?.port ?? 'out';
  const ends = `${names.get(edge.source) ?? edge.source} to ${names.get(edge.target) ?? edge.target}`;
  return port === 'out' ? ends : `${ends}, port ${port}`;
}

const labelled = new WeakMap<CanvasEdge, CanvasEdge>();

/** The ends' ids on the element too (`data-source`, `data-target`), now that its name holds their names. */
function endsOf(edge: CanvasEdge): CanvasEdge['domAttributes'] {
  const ends: Record<`data-${string}`, string> = { 'data-source': edge.source, 'data-target': edge.target };
  return ends;
}

/** The edges with their `ariaLabel`; an edge whose label did not change comes back as the same object. */
export function namedEdges(edges: readonly CanvasEdge[], names: ReadonlyMap<string, string>): CanvasEdge[] {
  return edges.map((edge) => {
    const ariaLabel = edgeLabel(edge, names);
    const known = labelled.get(edge);
    if (known?.ariaLabel === ariaLabel) return known;
    const named: CanvasEdge = { ...edge, ariaLabel, domAttributes: endsOf(edge) };
    labelled.set(edge, named);
    return named;
  });
}
