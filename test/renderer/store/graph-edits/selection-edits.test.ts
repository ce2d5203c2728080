import { describe, expect, it } from 'vitest';
import { deleteSelectionEdit, selectAllEdit, selectEdit } from '../../../../renderer/store/graph-edits/selection-edits.ts';
import { sampleGraph, selectedIds, withSelected } from './graph-fixture.ts';

describe('selecting', () => {
  it('selects one node alone and shows it in the Inspector, reusing the nodes whose flag does not change', () => {
    const graph = withSelected(sampleGraph(), ['start']);
    const { edit, target } = selectEdit(graph.nodes, 'route');
    expect(target?.id).toBe('route');
    expect(selectedIds(edit.nodes)).toEqual(['route']);
    expect(edit.selectedNodeId).toBe('route');
    expect(edit.nodes?.find((node) => node.id === 'ip_report')).toBe(graph.nodes.find((node) => node.id === 'ip_report'));
  });

  it('selects a note without showing it in the Inspector, and nothing for an unknown id', () => {
    expect(selectEdit(sampleGraph().nodes, 'welcome').edit).toMatchObject({ selectedNodeId: undefined });
    const none = selectEdit(withSelected(sampleGraph(), ['start']).nodes, 'nope');
    expect(none.target).toBeUndefined();
    expect(selectedIds(none.edit.nodes)).toEqual([]);
  });

  it('selects every node and edge', () => {
    const edit = selectAllEdit(sampleGraph());
    expect(selectedIds(edit.nodes)).toHaveLength(5);
    expect(selectedIds(edit.edges)).toEqual(['e1', 'e2', 'e3']);
  });
});

describe('deleting the selection', () => {
  it('removes the selected nodes with their edges, and the Inspector forgets a removed node', () => {
    const graph = { ...withSelected(sampleGraph(), ['route']), selectedNodeId: 'route' };
    const edit = deleteSelectionEdit(graph);
    expect(edit?.nodes?.map((node) => node.id)).not.toContain('route');
    expect(edit?.edges?.map((edge) => edge.id)).toEqual(['e1']);
    expect(edit?.selectedNodeId).toBeUndefined();
  });

  it('removes a selected edge alone, keeping every node and the Inspector', () => {
    const graph = { ...withSelected(sampleGraph(), ['e2']), selectedNodeId: 'start' };
    const edit = deleteSelectionEdit(graph);
    expect(edit?.nodes).toBe(graph.nodes);
    expect(edit?.edges?.map((edge) => edge.id)).toEqual(['e1', 'e3']);
    expect(edit?.selectedNodeId).toBe('start');
  });

  it('is no edit when nothing is selected', () => {
    expect(deleteSelectionEdit(sampleGraph())).toBeUndefined();
  });
});
