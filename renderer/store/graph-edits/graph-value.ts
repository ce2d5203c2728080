import type { Playbook } from '../../../engine/format/playbook.ts';
import type { CanvasEdge, CanvasNode } from '../types.ts';

/**
 * The editable graph as a plain value: what an edit reads and changes and what undo brings back.
 * The functions in this folder take one and return a new one, never mutating it, so they run
 * without React or zustand and unchanged nodes stay the same objects.
 */
export interface GraphValue {
  playbook: Playbook | undefined;
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  selectedNodeId: string | undefined;
}

/** The fields an edit changes; the others stay as they are. */
export type GraphEdit = Partial<GraphValue>;

export type PlaybookCanvasNode = Extract<CanvasNode, { type: 'playbook' }>;
export type NoteCanvasNode = Extract<CanvasNode, { type: 'note' }>;

/** Positions are kept in whole pixels, so the file does not fill with fractions of a drag. */
export function rounded(position: { x: number; y: number }): { x: number; y: number } {
  return { x: Math.round(position.x), y: Math.round(position.y) };
}

/** The items with `selected` cleared, reusing every object that was not selected. */
export function deselected<T extends { selected?: boolean }>(items: readonly T[]): T[] {
  return items.map((item) => (item.selected === true ? { ...item, selected: false } : item));
}
