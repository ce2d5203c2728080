import { describe, expect, it } from 'vitest';
import type { GraphValue } from '../../../../renderer/store/graph-edits/graph-value.ts';
import { addNodeEdit, layoutEdit, updateNodeEdit, updatePlaybookEdit } from '../../../../renderer/store/graph-edits/node-edits.ts';
import { actionsByType, nodeById, sampleGraph, selectedIds, withSelected } from './graph-fixture.ts';

function playbookNodeOf(graph: Partial<GraphValue>, id: string) {
  const node = nodeById(graph.nodes, id);
  return node?.type === 'playbook' ? node.data.node : undefined;
}

describe('adding a node', () => {
  it('names it after the action, gives it a unique slug id, a whole-pixel position, and selects it alone', () => {
    const graph = withSelected(sampleGraph(), ['start', 'e1']);
    const first = addNodeEdit(graph, actionsByType, 'core.condition@1', { x: 10.4, y: 20.6 });
    expect(first.id).toBe('condition');
    expect(nodeById(first.edit.nodes, 'condition')?.position).toEqual({ x: 10, y: 21 });
    expect(playbookNodeOf(first.edit, 'condition')).toEqual({ id: 'condition', type: 'core.condition@1', name: 'Condition', params: {} });
    expect(selectedIds(first.edit.nodes)).toEqual(['condition']);
    expect(selectedIds(first.edit.edges)).toEqual([]);
    expect(first.edit.selectedNodeId).toBe('condition');
    const second = addNodeEdit({ ...graph, ...first.edit } as GraphValue, actionsByType, 'core.condition@1', { x: 0, y: 0 });
    expect(second.id).toBe('condition_2');
  });

  it("binds it to its connector's slot, creating the slot in the manifest when the playbook has none", () => {
    const graph = sampleGraph();
    const shared = addNodeEdit(graph, actionsByType, 'virustotal.url_report@1', { x: 0, y: 0 });
    expect(playbookNodeOf(shared.edit, shared.id)?.credential).toBe('virustotal');
    expect(shared.edit.playbook).toBe(graph.playbook);
    const fresh = addNodeEdit(graph, actionsByType, 'okta.suspend_user@1', { x: 0, y: 0 });
    expect(playbookNodeOf(fresh.edit, fresh.id)?.credential).toBe('okta');
    expect(fresh.edit.playbook?.credentials).toEqual({ virustotal: { connector: 'virustotal' }, okta: { connector: 'okta' } });
  });

  it('names a node of a type the catalogue does not know after the last part of its type', () => {
    const { id, edit } = addNodeEdit(sampleGraph(), actionsByType, 'acme.lookup_host@2', { x: 0, y: 0 });
    expect(id).toBe('lookup_host');
    expect(playbookNodeOf(edit, id)?.name).toBe('lookup_host');
  });

  it('leaves the graph it was given as it was', () => {
    const graph = sampleGraph();
    const nodes = graph.nodes;
    addNodeEdit(graph, actionsByType, 'core.condition@1', { x: 0, y: 0 });
    expect(graph.nodes).toBe(nodes);
    expect(graph.nodes).toHaveLength(5);
  });
});

describe('updating a node', () => {
  it('merges the patch, keeps the id through a rename and drops fields patched to undefined', () => {
    const edit = updateNodeEdit(sampleGraph(), 'ip_report', { name: 'Check the IP', retry: undefined, id: 'other' });
    const node = playbookNodeOf(edit!, 'ip_report');
    expect(node?.name).toBe('Check the IP');
    expect(node?.params).toEqual({ ip: '{{ trigger.ip }}' });
    expect(node && 'retry' in node).toBe(false);
  });

  it('changes only that node object, so the others do not re-render', () => {
    const graph = sampleGraph();
    const edit = updateNodeEdit(graph, 'route', { breakpoint: true });
    edit?.nodes?.forEach((node, index) => {
      if (node.id !== 'route') expect(node).toBe(graph.nodes[index]);
    });
  });

  it('is no edit for an unknown id or a note', () => {
    expect(updateNodeEdit(sampleGraph(), 'nope', { name: 'x' })).toBeUndefined();
    expect(updateNodeEdit(sampleGraph(), 'welcome', { name: 'x' })).toBeUndefined();
  });
});

describe('updating the playbook fields', () => {
  it('patches the file-level fields, and is no edit while no playbook is open', () => {
    expect(updatePlaybookEdit(sampleGraph(), { name: 'Renamed' })?.playbook).toMatchObject({ id: 'triage', name: 'Renamed' });
    expect(updatePlaybookEdit({ ...sampleGraph(), playbook: undefined }, { name: 'Renamed' })).toBeUndefined();
  });
});

describe('auto-layout', () => {
  it('moves the listed nodes to whole-pixel positions and keeps the others as they were', () => {
    const graph = sampleGraph();
    const edit = layoutEdit(graph, { start: { x: 0.4, y: 500.6 } });
    expect(nodeById(edit?.nodes, 'start')?.position).toEqual({ x: 0, y: 501 });
    expect(nodeById(edit?.nodes, 'route')).toBe(nodeById(graph.nodes, 'route'));
  });

  it('is no edit when no node moves, so it records no undo step', () => {
    expect(layoutEdit(sampleGraph(), { start: { x: 0, y: 0 }, missing: { x: 5, y: 5 } })).toBeUndefined();
  });
});
