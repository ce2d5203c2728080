import { describe, expect, it } from 'vitest';
import { validatePlaybook } from '../../../engine/validate/validate-playbook.ts';
import { makePlaybook, registry } from './fake-registry.ts';
import { fetch, only, start } from './fixture.ts';

describe('validatePlaybook: reachability', () => {
  it('warns about nodes the trigger never reaches', () => {
    const playbook = makePlaybook({ nodes: [start, fetch('a'), fetch('island'), fetch('beyond')], edges: [['start', 'out', 'a'], ['island', 'out', 'beyond']] });
    expect(only(validatePlaybook(playbook, registry), 'NODE_UNREACHABLE')).toEqual([
      { severity: 'warning', code: 'NODE_UNREACHABLE', message: 'node island is not reachable from the trigger start, so it never runs', nodeId: 'island', path: 'nodes[2]' },
      expect.objectContaining({ severity: 'warning', nodeId: 'beyond' }),
    ]);
  });
});
