import { describe, expect, it } from 'vitest';
import { makeFragment } from '../../../../renderer/store/fragment.ts';
import type { Fragment } from '../../../../renderer/store/fragment.ts';
import { pasteEdit } from '../../../../renderer/store/graph-edits/paste-edit.ts';
import { actionsByType, nodeById, sampleGraph, selectedIds, withSelected } from './graph-fixture.ts';

describe('pasting a fragment', () => {
  it('adds the copies with fresh ids and their edge, selects only them and shows the last node', () => {
    const graph = withSelected(sampleGraph(), ['ip_report', 'route']);
    const fragment = makeFragment(graph.nodes, graph.edges)!;
    const pasted = pasteEdit(graph, actionsByType, fragment);
    expect(pasted?.ids).toEqual(['ip_report_2', 'route_2']);
    expect(selectedIds(pasted?.edit.nodes)).toEqual(['ip_report_2', 'route_2']);
    expect(selectedIds(pasted?.edit.edges)).toEqual(['e4']);
    expect(pasted?.edit.edges?.at(-1)).toMatchObject({ source: 'ip_report_2', target: 'route_2' });
    expect(pasted?.edit.selectedNodeId).toBe('route_2');
  });

  it("binds a pasted node whose slot this playbook lacks to its connector's slot", () => {
    const fragment: Fragment = {
      switchboard: 'fragment@1',
      nodes: [{ id: 'suspend', type: 'okta.suspend_user@1', name: 'Suspend', params: {}, credential: 'okta_prod' }],
      edges: [],
      layout: {},
    };
    const pasted = pasteEdit(sampleGraph(), actionsByType, fragment);
    const node = nodeById(pasted?.edit.nodes, 'suspend');
    expect(node?.type === 'playbook' ? node.data.node.credential : undefined).toBe('okta');
    expect(pasted?.edit.playbook?.credentials['okta']).toEqual({ connector: 'okta' });
  });

  it('keeps the slot of a pasted node when the playbook has it', () => {
    const graph = withSelected(sampleGraph(), ['ip_report']);
    const pasted = pasteEdit(graph, actionsByType, makeFragment(graph.nodes, graph.edges)!);
    const node = nodeById(pasted?.edit.nodes, 'ip_report_2');
    expect(node?.type === 'playbook' ? node.data.node.credential : undefined).toBe('virustotal');
    expect(pasted?.edit.playbook).toBe(graph.playbook);
  });

  it('is no edit for a fragment with neither nodes nor notes', () => {
    expect(pasteEdit(sampleGraph(), actionsByType, { switchboard: 'fragment@1', nodes: [], edges: [], layout: {} })).toBeUndefined();
  });
});
