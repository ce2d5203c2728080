import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { portsOf } from '../store/catalogue-slice.ts';
import type { CanvasEdge, CanvasNode, CatalogueItem } from '../store/types.ts';
import { boxSize } from './box-size.ts';

/** The least space ELK leaves between two boxes of one layer, and between layers. */
export const LAYOUT_SPACING = { nodeNode: 40, betweenLayers: 90 };

/**
 * Left-to-right layered positions for the playbook nodes and the notes, computed by ELK's bundled
 * build on the main thread — no worker file to serve. ELK is loaded on first use so it costs
 * nothing at startup. Ports keep their order down the node's right side. Notes are boxes of their
 * own size in the same layout, so no note ever covers a node; the file does not say what a note
 * explains, so each is tied by an unseen edge to the node nearest it before the layout
 * (`noteAnchors`) and lands in the layer just before that node, beside it.
 * Boxes not yet rendered take their size from the CSS (`boxSize`).
 */
export async function autoLayout(
  nodes: readonly CanvasNode[],
  edges: readonly CanvasEdge[],
  actionsByType: Record<string, CatalogueItem>,
): Promise<Record<string, { x: number; y: number }>> {
  // A CommonJS module: its exports object (or, after bundler interop, the class itself) carries `default`.
  const { default: elk } = await import('elkjs/lib/elk.bundled.js');
  const ELK = elk.default;
  const result = await new ELK().layout(layoutGraph(nodes, edges, actionsByType));
  const positions: Record<string, { x: number; y: number }> = {};
  for (const child of result.children ?? []) positions[child.id] = { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) };
  return positions;
}

/** The ELK graph of the canvas: every node and note as a box of its size, the playbook's edges, and one unseen edge per anchored note. */
export function layoutGraph(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[], actionsByType: Record<string, CatalogueItem>): ElkNode {
  const children: ElkNode[] = [];
  const portIds = new Set<string>();
  for (const node of nodes) {
    const size = boxSize(node, actionsByType);
    if (node.type !== 'playbook') {
      children.push({ id: node.id, ...size });
      continue;
    }
    const ports = portsOf(actionsByType[node.data.node.type]?.action, node.data.node.params);
    children.push({
      id: node.id,
      ...size,
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
  for (const [note, anchor] of Object.entries(noteAnchors(nodes, actionsByType))) {
    links.push({ id: `${note}\u0000note`, sources: [note], targets: [anchor] });
  }
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': String(LAYOUT_SPACING.nodeNode),
      'elk.layered.spacing.nodeNodeBetweenLayers': String(LAYOUT_SPACING.betweenLayers),
      'elk.spacing.componentComponent': String(LAYOUT_SPACING.nodeNode),
      // Edges leave from ports down the node's side; at ELK's default 10 px a node below one with
      // such an edge came as close as 21 px. The same space as between nodes keeps boxes 40 px apart.
      'elk.spacing.edgeNode': String(LAYOUT_SPACING.nodeNode),
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.separateConnectedComponents': 'true',
    },
    children,
    edges: links,
  };
}

/**
 * The playbook node each note explains, by note id: the node whose box centre is nearest the
 * note's, as the analyst placed it. A note with no node to go with is left out (it lays out free).
 */
export function noteAnchors(nodes: readonly CanvasNode[], actionsByType: Record<string, CatalogueItem>): Record<string, string> {
  const centre = (node: CanvasNode) => {
    const size = boxSize(node, actionsByType);
    return { x: node.position.x + size.width / 2, y: node.position.y + size.height / 2 };
  };
  const anchors = nodes.filter((node) => node.type === 'playbook').map((node) => ({ id: node.id, ...centre(node) }));
  const out: Record<string, string> = {};
  for (const note of nodes) {
    if (note.type !== 'note') continue;
    const at = centre(note);
    let best: string | undefined;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const anchor of anchors) {
      const distance = Math.hypot(anchor.x - at.x, anchor.y - at.y);
      if (distance < bestDistance) {
        best = anchor.id;
        bestDistance = distance;
      }
    }
    if (best !== undefined) out[note.id] = best;
  }
  return out;
}

function portId(nodeId: string, port: string): string {
  return `${nodeId}\u0000${port}`;
}
