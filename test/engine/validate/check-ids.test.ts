import { describe, expect, it } from 'vitest';
import { validatePlaybook } from '../../../engine/validate/validate-playbook.ts';
import { makePlaybook, registry } from './fake-registry.ts';
import { fetch, only, start } from './fixture.ts';

describe('validatePlaybook: ids', () => {
  it('reports a node id used twice, at the second', () => {
    const problems = validatePlaybook(makePlaybook({ nodes: [start, fetch('a'), fetch('a')], edges: [['start', 'out', 'a']] }), registry);
    expect(only(problems, 'DUPLICATE_NODE_ID')).toEqual([
      {
        severity: 'error',
        code: 'DUPLICATE_NODE_ID',
        message: 'node id a is used by nodes[1] and nodes[2]; ids must be unique',
        nodeId: 'a',
        path: 'nodes[2].id',
      },
    ]);
  });

  it('reports an edge id used twice', () => {
    const playbook = makePlaybook({
      nodes: [start, fetch('a'), fetch('b')],
      edges: [
        { id: 'x', from: 'start', port: 'out', to: 'a' },
        { id: 'x', from: 'a', port: 'out', to: 'b' },
      ],
    });
    expect(only(validatePlaybook(playbook, registry), 'DUPLICATE_EDGE_ID')).toEqual([
      expect.objectContaining({ edgeId: 'x', path: 'edges[1].id', message: 'edge id x is used by edges[0] and edges[1]; ids must be unique' }),
    ]);
  });
});
