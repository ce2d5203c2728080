import * as z from 'zod';
import { EdgeSchema, LayoutEntrySchema, NodeSchema, NoteSchema } from '../../engine/format/playbook.ts';
import { edgeIdAllocator, layoutOf, noteData, slugify, toCanvasEdge, toPlaybookEdge, toPlaybookNote, uniqueId, withSize } from './playbook-to-canvas.ts';
import type { CanvasEdge, CanvasNode } from './types.ts';

/** The clipboard form of a selection, so a teammate can paste it into another playbook. */
export const FragmentSchema = z.strictObject({
  switchboard: z.literal('fragment@1'),
  nodes: z.array(NodeSchema).max(20_000),
  edges: z.array(EdgeSchema).max(100_000),
  layout: z.record(z.string(), LayoutEntrySchema).default({}),
  notes: z.array(NoteSchema).max(1_000).optional(),
});
export type Fragment = z.infer<typeof FragmentSchema>;

/** How far each paste lands from the copied nodes (and from an earlier paste of them). */
const PASTE_OFFSET = 40;

/** The selected nodes and notes, and the edges with both ends among them; undefined when nothing is selected. */
export function makeFragment(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[]): Fragment | undefined {
  const fragment: Fragment = { switchboard: 'fragment@1', nodes: [], edges: [], layout: {} };
  const notes: NonNullable<Fragment['notes']> = [];
  const ids = new Set<string>();
  for (const node of nodes) {
    if (node.selected !== true) continue;
    ids.add(node.id);
    fragment.layout[node.id] = layoutOf(node);
    if (node.type === 'playbook') fragment.nodes.push(node.data.node);
    else notes.push(toPlaybookNote(node));
  }
  if (ids.size === 0) return undefined;
  for (const edge of edges) {
    if (ids.has(edge.source) && ids.has(edge.target)) {
      fragment.edges.push(toPlaybookEdge(edge));
    }
  }
  if (notes.length > 0) fragment.notes = notes;
  return fragment;
}

/** A fragment from clipboard text, or undefined when the text is not one (any other text is ignored). */
export function parseFragment(text: string): Fragment | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = FragmentSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Canvas nodes and edges for a fragment pasted next to `existing`: every node and note gets a
 * fresh id (its old one, made unique), edges are re-pointed and re-numbered, and the whole lot
 * is shifted until no pasted node sits exactly on an existing one. Pasted items come selected.
 */
export function placeFragment(
  fragment: Fragment,
  existing: { nodes: readonly CanvasNode[]; edges: readonly CanvasEdge[] },
): { nodes: CanvasNode[]; edges: CanvasEdge[]; ids: Map<string, string> } {
  const taken = new Set(existing.nodes.map((node) => node.id));
  const ids = new Map<string, string>();
  const fresh = (old: string): string => {
    const id = uniqueId(slugify(old), taken);
    taken.add(id);
    ids.set(old, id);
    return id;
  };
  const offset = pasteOffset(fragment, existing.nodes);
  const place = <T extends CanvasNode>(node: T, old: string, index: number): T => {
    const entry = fragment.layout[old] ?? { x: index * PASTE_OFFSET, y: 0 };
    node.position = { x: Math.round(entry.x + offset), y: Math.round(entry.y + offset) };
    return withSize(node, entry);
  };
  const nodes: CanvasNode[] = [];
  (fragment.notes ?? []).forEach((note, index) => {
    const id = fresh(note.id);
    nodes.push(place({ id, type: 'note', position: { x: 0, y: 0 }, data: noteData(note), selected: true }, note.id, index));
  });
  fragment.nodes.forEach((node, index) => {
    const id = fresh(node.id);
    nodes.push(place({ id, type: 'playbook', position: { x: 0, y: 0 }, data: { node: { ...node, id } }, selected: true }, node.id, index));
  });
  const nextEdgeId = edgeIdAllocator(existing.edges);
  const edges: CanvasEdge[] = [];
  for (const edge of fragment.edges) {
    const from = ids.get(edge.from);
    const to = ids.get(edge.to);
    if (from === undefined || to === undefined) continue;
    edges.push({ ...toCanvasEdge({ id: nextEdgeId(), from, port: edge.port, to }), selected: true });
  }
  return { nodes, edges, ids };
}

function pasteOffset(fragment: Fragment, existing: readonly CanvasNode[]): number {
  const occupied = new Set(existing.map((node) => `${Math.round(node.position.x)},${Math.round(node.position.y)}`));
  const entries = Object.values(fragment.layout);
  for (let step = 1; step < 100; step++) {
    const offset = step * PASTE_OFFSET;
    if (!entries.some((entry) => occupied.has(`${Math.round(entry.x + offset)},${Math.round(entry.y + offset)}`))) return offset;
  }
  return PASTE_OFFSET;
}
