import { describe, expect, it } from 'vitest';
import { addNoteEdit, updateNoteEdit } from '../../../../renderer/store/graph-edits/note-edits.ts';
import { nodeById, sampleGraph, selectedIds, withSelected } from './graph-fixture.ts';

describe('notes', () => {
  it('adds a note first (under the nodes), with a unique id, selected alone, leaving the Inspector empty', () => {
    const graph = { ...withSelected(sampleGraph(), ['route']), selectedNodeId: 'route' };
    const { id, edit } = addNoteEdit(graph, { x: 3.6, y: 4.2 }, 'new branch');
    expect(id).toBe('note');
    expect(edit.nodes?.[0]).toMatchObject({ id: 'note', type: 'note', position: { x: 4, y: 4 }, data: { text: 'new branch' } });
    expect(selectedIds(edit.nodes)).toEqual(['note']);
    expect(edit.selectedNodeId).toBeUndefined();
  });

  it("changes a note's text or colour", () => {
    const edit = updateNoteEdit(sampleGraph(), 'welcome', { color: 'blue' });
    expect(nodeById(edit?.nodes, 'welcome')?.data).toEqual({ text: 'Read me first', color: 'blue' });
  });

  it('is no edit when nothing changes or the id is not a note', () => {
    expect(updateNoteEdit(sampleGraph(), 'welcome', { text: 'Read me first', color: 'yellow' })).toBeUndefined();
    expect(updateNoteEdit(sampleGraph(), 'route', { text: 'x' })).toBeUndefined();
  });
});
