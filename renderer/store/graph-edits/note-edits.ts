import { uniqueId } from '../playbook-to-canvas.ts';
import { deselected, rounded } from './graph-value.ts';
import type { GraphEdit, GraphValue, NoteCanvasNode } from './graph-value.ts';

/** A new note at `position`, alone selected; notes go first so they lie under the nodes. */
export function addNoteEdit(graph: GraphValue, position: { x: number; y: number }, text: string): { id: string; edit: GraphEdit } {
  const id = uniqueId('note', new Set(graph.nodes.map((node) => node.id)));
  const note: NoteCanvasNode = { id, type: 'note', position: rounded(position), data: { text }, selected: true };
  return { id, edit: { nodes: [note, ...deselected(graph.nodes)], selectedNodeId: undefined } };
}

/** A note's text or colour changed; undefined when there is no such note or nothing changes (no empty undo step). */
export function updateNoteEdit(graph: GraphValue, noteId: string, patch: { text?: string; color?: string }): GraphEdit | undefined {
  const index = graph.nodes.findIndex((node) => node.id === noteId && node.type === 'note');
  const current = graph.nodes[index] as NoteCanvasNode | undefined;
  if (current === undefined) return undefined;
  const data = { ...current.data, ...patch };
  if (data.text === current.data.text && data.color === current.data.color) return undefined;
  const nodes = graph.nodes.slice();
  nodes[index] = { ...current, data };
  return { nodes };
}
