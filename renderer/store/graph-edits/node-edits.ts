import type { Playbook, PlaybookNode } from '../../../engine/format/playbook.ts';
import { slugify, uniqueId } from '../playbook-to-canvas.ts';
import type { CatalogueItem } from '../types.ts';
import { credentialSlotFor } from './credential-slot.ts';
import { deselected, rounded } from './graph-value.ts';
import type { GraphEdit, GraphValue, PlaybookCanvasNode } from './graph-value.ts';

/** File-level fields an edit may change (the rest of the playbook lives in the canvas nodes). */
export type PlaybookPatch = Partial<Pick<Playbook, 'name' | 'description' | 'tags' | 'vars' | 'credentials'>>;

/**
 * A new node of `type` at `position`, alone selected: its id is a slug of the action's title made
 * unique, and it is bound to its connector's credential slot (created when missing).
 */
export function addNodeEdit(
  graph: GraphValue,
  actionsByType: Readonly<Record<string, CatalogueItem>>,
  type: string,
  position: { x: number; y: number },
): { id: string; edit: GraphEdit } {
  const item = actionsByType[type];
  const title = item?.action.title ?? type.replace(/@\d+$/, '').split('.').pop() ?? 'node';
  const id = uniqueId(slugify(title), new Set(graph.nodes.map((node) => node.id)));
  const { slot, playbook } = credentialSlotFor(item, graph.playbook);
  const node: PlaybookNode = { id, type, name: title, params: {} };
  if (slot !== undefined) node.credential = slot;
  const added: PlaybookCanvasNode = { id, type: 'playbook', position: rounded(position), data: { node }, selected: true };
  return { id, edit: { playbook, nodes: [...deselected(graph.nodes), added], edges: deselected(graph.edges), selectedNodeId: id } };
}

/**
 * One playbook node with `patch` merged in; the id never changes (renaming keeps references)
 * and fields patched to undefined are dropped. Undefined when there is no such node.
 */
export function updateNodeEdit(graph: GraphValue, nodeId: string, patch: Partial<PlaybookNode>): GraphEdit | undefined {
  const index = graph.nodes.findIndex((node) => node.id === nodeId && node.type === 'playbook');
  const current = graph.nodes[index] as PlaybookCanvasNode | undefined;
  if (current === undefined) return undefined;
  const merged: Record<string, unknown> = { ...current.data.node, ...patch, id: nodeId };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  const nodes = graph.nodes.slice();
  nodes[index] = { ...current, data: { ...current.data, node: merged as PlaybookNode } };
  return { nodes };
}

/** The playbook's file-level fields with `patch` applied; undefined while no playbook is open. */
export function updatePlaybookEdit(graph: GraphValue, patch: PlaybookPatch): GraphEdit | undefined {
  return graph.playbook === undefined ? undefined : { playbook: { ...graph.playbook, ...patch } };
}

/**
 * Nodes moved to `positions` (rounded), as auto-layout places them; undefined when none moves,
 * so a layout that changes nothing records no undo step.
 */
export function layoutEdit(graph: GraphValue, positions: Readonly<Record<string, { x: number; y: number }>>): GraphEdit | undefined {
  let moved = false;
  const nodes = graph.nodes.map((node) => {
    const position = positions[node.id];
    if (position === undefined) return node;
    const target = rounded(position);
    if (target.x === node.position.x && target.y === node.position.y) return node;
    moved = true;
    return { ...node, position: target };
  });
  return moved ? { nodes } : undefined;
}
