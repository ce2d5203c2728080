import { describe, expect, it } from 'vitest';
import { connectEdit } from '../../../../renderer/store/graph-edits/connect-edit.ts';
import { actionsByType, sampleGraph } from './graph-fixture.ts';

describe('connecting two nodes', () => {
  it('adds the edge from the port, numbered after the existing edges', () => {
    const graph = sampleGraph();
    const edit = connectEdit(graph, actionsByType, { source: 'ip_report', sourceHandle: 'error', target: 'unplaced' });
    expect(edit?.edges?.slice(0, 3)).toEqual(graph.edges);
    expect(edit?.edges?.at(-1)).toMatchObject({ id: 'e4', source: 'ip_report', target: 'unplaced', data: { port: 'error' } });
  });

  it('is no edit when the connection is refused or names no port', () => {
    const graph = sampleGraph();
    expect(connectEdit(graph, actionsByType, { source: 'ip_report', sourceHandle: 'true', target: 'unplaced' })).toBeUndefined();
    expect(connectEdit(graph, actionsByType, { source: 'ip_report', sourceHandle: 'out', target: 'start' })).toBeUndefined();
    expect(connectEdit(graph, actionsByType, { source: 'start', sourceHandle: 'out', target: 'ip_report' })).toBeUndefined();
    expect(connectEdit(graph, actionsByType, { source: 'unplaced', sourceHandle: 'true', target: 'start' })).toBeUndefined();
    expect(connectEdit(graph, actionsByType, { source: 'ip_report', sourceHandle: null, target: 'unplaced' })).toBeUndefined();
  });

  it('refuses a connection that would close a loop', () => {
    expect(connectEdit(sampleGraph(), actionsByType, { source: 'unplaced', sourceHandle: 'true', target: 'ip_report' })).toBeUndefined();
  });
});
