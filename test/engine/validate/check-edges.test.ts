import { describe, expect, it } from 'vitest';
import { validatePlaybook } from '../../../engine/validate/validate-playbook.ts';
import { makePlaybook, registry } from './fake-registry.ts';
import { codes, fetch, only, start } from './fixture.ts';

describe('validatePlaybook: edges', () => {
  it('reports each missing end of an edge, with a spelling hint', () => {
    const playbook = makePlaybook({ nodes: [start, fetch('check_url')], edges: [['start', 'out', 'chek_url'], ['ghost', 'out', 'nowhere']] });
    expect(only(validatePlaybook(playbook, registry), 'EDGE_DANGLING').map((problem) => [problem.path, problem.message])).toEqual([
      ['edges[0].to', 'edge e1 goes to node chek_url, which does not exist (did you mean check_url?)'],
      ['edges[1].from', 'edge e2 comes from node ghost, which does not exist'],
      ['edges[1].to', 'edge e2 goes to node nowhere, which does not exist'],
    ]);
  });

  it('reports a port the node type does not have, listing the ones it has', () => {
    const playbook = makePlaybook({
      nodes: [start, { id: 'decide', type: 'core.condition@1', params: { value: true } }, fetch('a'), fetch('b')],
      edges: [['start', 'out', 'decide'], ['decide', 'yes', 'a'], ['decide', 'true', 'b'], ['start', 'error', 'b']],
    });
    expect(only(validatePlaybook(playbook, registry), 'EDGE_UNKNOWN_PORT')).toEqual([
      {
        severity: 'error',
        code: 'EDGE_UNKNOWN_PORT',
        message: 'edge e2 leaves decide by port "yes", which core.condition@1 does not have; its ports are true, false, error',
        edgeId: 'e2',
        nodeId: 'decide',
        path: 'edges[1].port',
      },
      expect.objectContaining({ edgeId: 'e4', message: expect.stringContaining('its ports are out') }),
    ]);
  });

  it("takes a switch's ports from its cases", () => {
    const playbook = makePlaybook({
      nodes: [start, { id: 'route', type: 'core.switch@1', params: { value: 'x', cases: ['phish', 'spam'] } }, fetch('a')],
      edges: [['start', 'out', 'route'], ['route', 'spam', 'a'], ['route', 'malware', 'a'], ['route', 'default', 'a']],
    });
    expect(only(validatePlaybook(playbook, registry), 'EDGE_UNKNOWN_PORT').map((problem) => problem.message)).toEqual([
      'edge e3 leaves route by port "malware", which core.switch@1 does not have; its ports are phish, spam, default, error',
    ]);
  });

  it('reports an edge into the trigger', () => {
    const playbook = makePlaybook({ nodes: [start, fetch('a')], edges: [['start', 'out', 'a'], ['a', 'error', 'start']] });
    expect(codes(validatePlaybook(playbook, registry))).toEqual(['EDGE_INTO_TRIGGER', 'PLAYBOOK_CYCLE']);
  });
});
