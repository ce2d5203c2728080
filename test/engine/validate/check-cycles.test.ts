import { describe, expect, it } from 'vitest';
import { validatePlaybook } from '../../../engine/validate/validate-playbook.ts';
import { makePlaybook, registry } from './fake-registry.ts';
import { fetch, only, start } from './fixture.ts';

describe('validatePlaybook: loops', () => {
  it('names a loop and the edge that closes it', () => {
    const playbook = makePlaybook({
      nodes: [start, fetch('check_url'), { id: 'decide', type: 'core.condition@1', params: { value: true } }],
      edges: [['start', 'out', 'check_url'], ['check_url', 'out', 'decide'], ['decide', 'false', 'check_url']],
    });
    expect(only(validatePlaybook(playbook, registry), 'PLAYBOOK_CYCLE')).toEqual([
      {
        severity: 'error',
        code: 'PLAYBOOK_CYCLE',
        message: 'edge e3 closes a loop check_url → decide → check_url',
        edgeId: 'e3',
        nodeId: 'decide',
        path: 'edges[2]',
      },
    ]);
  });

  it('reports every separate loop, self-loops included', () => {
    const playbook = makePlaybook({
      nodes: [start, fetch('a'), fetch('b'), fetch('c'), fetch('d')],
      edges: [['start', 'out', 'a'], ['a', 'out', 'b'], ['b', 'out', 'a'], ['b', 'error', 'c'], ['c', 'out', 'd'], ['d', 'out', 'c'], ['d', 'error', 'd']],
    });
    expect(only(validatePlaybook(playbook, registry), 'PLAYBOOK_CYCLE').map((problem) => problem.message)).toEqual([
      'edge e3 closes a loop a → b → a',
      'edge e6 closes a loop c → d → c',
    ]);
  });
});
