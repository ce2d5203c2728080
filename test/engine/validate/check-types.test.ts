import { describe, expect, it } from 'vitest';
import { validatePlaybook } from '../../../engine/validate/validate-playbook.ts';
import { makePlaybook, registry } from './fake-registry.ts';
import { only, start } from './fixture.ts';

describe('validatePlaybook: node types', () => {
  it('reports every node of an unknown type, each message listing all unknown types', () => {
    const playbook = makePlaybook({
      nodes: [start, { id: 'a', type: 'paloalto.block_url@1' }, { id: 'b', type: 'acme.fetch@7' }, { id: 'c', type: 'paloalto.block_url@1' }],
      edges: [['start', 'out', 'a'], ['a', 'out', 'b'], ['b', 'out', 'c']],
    });
    const unknown = only(validatePlaybook(playbook, registry), 'UNKNOWN_NODE_TYPE');
    expect(unknown.map((problem) => [problem.nodeId, problem.path])).toEqual([
      ['a', 'nodes[1].type'],
      ['b', 'nodes[2].type'],
      ['c', 'nodes[3].type'],
    ]);
    for (const problem of unknown) expect(problem.message).toContain('unknown types in this playbook: paloalto.block_url@1, acme.fetch@7');
    expect(unknown[1]?.message).toContain('(installed: acme.fetch@1)');
  });
});
