import { describe, expect, it } from 'vitest';
import { validatePlaybook } from '../../../engine/validate/validate-playbook.ts';
import { makePlaybook, registry } from './fake-registry.ts';
import { codes, fetch, only, start } from './fixture.ts';

describe('validatePlaybook: triggers', () => {
  it('reports a playbook with no trigger', () => {
    const problems = validatePlaybook(makePlaybook({ nodes: [fetch('a')] }), registry);
    expect(problems).toEqual([
      { severity: 'error', code: 'TRIGGER_COUNT', message: 'the playbook has no trigger node; it needs exactly one to start its runs', path: 'nodes' },
    ]);
  });

  it('does not claim "no trigger" when an unknown type may be the trigger', () => {
    const problems = validatePlaybook(makePlaybook({ nodes: [{ id: 'hook', type: 'acme.webhook@1' }, fetch('a')], edges: [['hook', 'out', 'a']] }), registry);
    expect(codes(problems)).toEqual(['UNKNOWN_NODE_TYPE']);
  });

  it('reports two triggers, naming both', () => {
    const playbook = makePlaybook({
      nodes: [start, { id: 'hook', type: 'core.webhook@1' }, fetch('a')],
      edges: [['start', 'out', 'a'], ['hook', 'out', 'a']],
    });
    expect(only(validatePlaybook(playbook, registry), 'TRIGGER_COUNT')).toEqual([
      expect.objectContaining({ nodeId: 'hook', message: 'the playbook has 2 trigger nodes (start, hook); it needs exactly one' }),
    ]);
  });
});
