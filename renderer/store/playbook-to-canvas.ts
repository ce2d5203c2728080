import type { Playbook, PlaybookEdge, PlaybookNode } from '../../engine/format/playbook.ts';
import type { CanvasEdge, CanvasNode } from './types.ts';

type LayoutEntry = Playbook['layout'][string];
type PlaybookNote = Playbook['notes'][number];
type NoteNode = Extract<CanvasNode, { type: 'note' }>;
type ActionNode = Extract<CanvasNode, { type: 'playbook' }>;

/**
 * The canvas form of a playbook. `playbook` keeps the file-level fields; its `nodes`, `edges` and
 * `notes` are empty and its `layout` holds only entries of no node or note, so nothing in the file
 * is lost and nothing is kept twice.
 */
export interface CanvasGraph {
  playbook: Playbook;
  nodes: CanvasNode[];
  edges: CanvasEdge[];
}

/** Where nodes without a layout entry go: a grid under the placed ones. */
const GRID = { columns: 6, dx: 280, dy: 140, gap: 160 };

/**
 * Positions given to nodes that had no layout entry. They stay out of the file until the node
 * moves (a move makes a new position object), so opening and saving changes nothing.
 */
const placedAutomatically = new WeakSet<object>();

/** Turns a playbook into React Flow nodes (notes first, so they lie under the nodes) and edges. */
export function fromPlaybook(playbook: Playbook): CanvasGraph {
  const known = new Set<string>();
  const place = placer(playbook);
  const notes: NoteNode[] = playbook.notes.map((note) => {
    known.add(note.id);
    const entry = playbook.layout[note.id];
    return withSize({ id: note.id, type: 'note', position: place(entry), data: noteData(note) }, entry);
  });
  const nodes: ActionNode[] = playbook.nodes.map((node) => {
    known.add(node.id);
    const entry = playbook.layout[node.id];
    return withSize({ id: node.id, type: 'playbook', position: place(entry), data: { node } }, entry);
  });
  const edges = playbook.edges.map(toCanvasEdge);
  const orphans: Playbook['layout'] = {};
  for (const [id, entry] of Object.entries(playbook.layout)) if (!known.has(id)) orphans[id] = entry;
  return {
    playbook: { ...playbook, nodes: [], edges: [], notes: [], layout: orphans },
    nodes: [...notes, ...nodes],
    edges,
  };
}

/** Rebuilds the playbook file from the canvas, keeping the file's key order (layout: nodes, notes, then the rest). */
export function toPlaybook(graph: CanvasGraph): Playbook {
  const nodes: PlaybookNode[] = [];
  const notes: Playbook['notes'] = [];
  const layout: Playbook['layout'] = {};
  for (const node of graph.nodes) {
    if (node.type !== 'playbook') continue;
    nodes.push(node.data.node);
    if (!placedAutomatically.has(node.position)) layout[node.id] = layoutOf(node);
  }
  for (const node of graph.nodes) {
    if (node.type !== 'note') continue;
    notes.push(toPlaybookNote(node));
    if (!placedAutomatically.has(node.position)) layout[node.id] = layoutOf(node);
  }
  for (const [id, entry] of Object.entries(graph.playbook.layout)) if (!(id in layout)) layout[id] = entry;
  const edges = graph.edges.map(toPlaybookEdge);
  const replaced: Partial<Playbook> = { nodes, edges, layout, notes };
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(graph.playbook) as (keyof Playbook)[]) {
    out[key] = key in replaced ? replaced[key] : graph.playbook[key];
  }
  return out as Playbook;
}

/** A playbook edge on the canvas: the port is the source handle; error paths are drawn apart. */
export function toCanvasEdge(edge: PlaybookEdge): CanvasEdge {
  const canvas: CanvasEdge = { id: edge.id, source: edge.from, sourceHandle: edge.port, target: edge.to, data: { port: edge.port } };
  if (edge.port === 'error') canvas.className = 'sb-edge-error';
  return canvas;
}

/** A canvas edge in the file: its port is the source handle, else the port it was drawn with, else `out`. */
export function toPlaybookEdge(edge: CanvasEdge): PlaybookEdge {
  return { id: edge.id, from: edge.source, port: edge.sourceHandle ?? edge.data?.port ?? 'out', to: edge.target };
}

/**
 * A node id from a title: lowercase letters, digits and `_`, starting with a letter, at most 40
 * characters (`"IP address report"` → `ip_address_report`).
 */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40)
    .replace(/_+$/, '');
  if (slug === '') return 'node';
  return /^[a-z]/.test(slug) ? slug : `n_${slug}`.slice(0, 40);
}

/** `base`, or `base_2`, `base_3`… — the first not in `taken`. */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  const stem = base.replace(/_\d+$/, '');
  for (let n = 2; ; n++) {
    const candidate = `${stem}_${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Gives each layout entry its position, and nodes without one a place on a grid under the rest. */
function placer(playbook: Playbook): (entry: LayoutEntry | undefined) => { x: number; y: number } {
  let unplaced = 0;
  let top: number | undefined;
  return (entry) => {
    if (entry !== undefined) return { x: entry.x, y: entry.y };
    top ??= lowestY(playbook);
    const position = { x: (unplaced % GRID.columns) * GRID.dx, y: top + Math.floor(unplaced / GRID.columns) * GRID.dy };
    placedAutomatically.add(position);
    unplaced++;
    return position;
  };
}

/** A note's canvas data from the file, with no `color` key when the note has none. */
export function noteData(note: PlaybookNote): NoteNode['data'] {
  const data: NoteNode['data'] = { text: note.text };
  if (note.color !== undefined) data.color = note.color;
  return data;
}

/** A canvas note as the file writes it, with no `color` key when it has none. */
export function toPlaybookNote(node: NoteNode): PlaybookNote {
  return node.data.color === undefined ? { id: node.id, text: node.data.text } : { id: node.id, text: node.data.text, color: node.data.color };
}

/** Gives a canvas node the size its layout entry records, if any (mutates and returns it). */
export function withSize<T extends CanvasNode>(node: T, entry: LayoutEntry | undefined): T {
  if (entry?.width !== undefined) node.width = entry.width;
  if (entry?.height !== undefined) node.height = entry.height;
  return node;
}

/** A canvas node's layout entry: its position, and its size when it has one. */
export function layoutOf(node: CanvasNode): LayoutEntry {
  const entry: LayoutEntry = { x: node.position.x, y: node.position.y };
  if (node.width !== undefined) entry.width = node.width;
  if (node.height !== undefined) entry.height = node.height;
  return entry;
}

function lowestY(playbook: Playbook): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const entry of Object.values(playbook.layout)) max = Math.max(max, entry.y);
  return max === Number.NEGATIVE_INFINITY ? 0 : max + GRID.gap;
}

/** Hands out edge ids `e1`, `e2`… after the highest one in use, as the file format's examples do. */
export function edgeIdAllocator(edges: readonly { id: string }[]): () => string {
  let highest = 0;
  for (const edge of edges) {
    const match = /^e(\d+)$/.exec(edge.id);
    if (match !== null) highest = Math.max(highest, Number(match[1]));
  }
  return () => `e${++highest}`;
}
