import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { portsOf } from '../store/catalogue-slice.ts';
import type { CanvasEdge, CanvasNode, CatalogueItem } from '../store/types.ts';
import { NEW_NODE_SIZE } from './use-viewport-centre.ts';

/**
 * Left-to-right layered positions for the playbook nodes (notes follow their nearest node), computed by ELK's
 * bundled build on the main thread — no worker file to serve. ELK is loaded on first use so it
 * costs nothing at startup. Ports keep their order down the node's right side.
 */
export async function autoLayout(
  nodes: readonly CanvasNode[],
  edges: readonly CanvasEdge[],
  actionsByType: Record<string, CatalogueItem>,
): Promise<Record<string, { x: number; y: number }>> {
  // A CommonJS module: its exports object (or, after bundler interop, the class itself) carries `default`.
  const { default: elk } = await import('elkjs/lib/elk.bundled.js');
  const ELK = elk.default;
  const children: ElkNode[] = [];
  const portIds = new Set<string>();
  for (const node of nodes) {
    if (node.type !== 'playbook') continue;
    const ports = portsOf(actionsByType[node.data.node.type]?.action, node.data.node.params);
    children.push({
      id: node.id,
      width: node.measured?.width ?? NEW_NODE_SIZE.width,
      height: node.measured?.height ?? NEW_NODE_SIZE.height,
      layoutOptions: { 'elk.portConstraints': 'FIXED_ORDER' },
      ports: ports.map((port, index) => {
        const id = portId(node.id, port);
        portIds.add(id);
        return { id, width: 1, height: 1, layoutOptions: { 'elk.port.side': 'EAST', 'elk.port.index': String(index) } };
      }),
    });
  }
  const ids = new Set(children.map((child) => child.id));
  const links: ElkExtendedEdge[] = [];
  for (const edge of edges) {
    if (!ids.has(edge.source) || !ids.has(edge.target)) continue;
    const from = portId(edge.source, edge.sourceHandle ?? 'out');
    links.push({ id: edge.id, sources: [portIds.has(from) ? from : edge.source], targets: [edge.target] });
  }
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '90',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.separateConnectedComponents': 'true',
    },
    children,
    edges: links,
  };
  const result = await new ELK().layout(graph);
  const positions: Record<string, { x: number; y: number }> = {};
  for (const child of result.children ?? []) positions[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
  return { ...positions, ...followNearest(nodes, positions) };
}

/** Notes move with the playbook node nearest to them, keeping their offset, so each stays beside what it explains. */
function followNearest(nodes: readonly CanvasNode[], moved: Record<string, { x: number; y: number }>): Record<string, { x: number; y: number }> {
  const anchors = nodes.filter((node) => node.type === 'playbook' && moved[node.id] !== undefined);
  const out: Record<string, { x: number; y: number }> = {};
  for (const note of nodes) {
    if (note.type !== 'note') continue;
    let best: CanvasNode | undefined;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const anchor of anchors) {
      const distance = Math.hypot(anchor.position.x - note.position.x, anchor.position.y - note.position.y);
      if (distance < bestDistance) {
        best = anchor;
        bestDistance = distance;
      }
    }
    const target = best === undefined ? undefined : moved[best.id];
    if (best === undefined || target === undefined) continue;
    out[note.id] = { x: target.x + note.position.x - best.position.x, y: target.y + note.position.y - best.position.y };
  }
  return out;
}

function portId(nodeId: string, port: string): string {
  return `${nodeId}\u0000${port}`;
}
