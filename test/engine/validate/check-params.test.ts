import { describe, expect, it } from 'vitest';
import { validatePlaybook } from '../../../engine/validate/validate-playbook.ts';
import { makePlaybook, registry } from './fake-registry.ts';
import { fetch, only, start } from './fixture.ts';

describe('validatePlaybook: params', () => {
  it('reports a missing required param', () => {
    const playbook = makePlaybook({ nodes: [start, fetch('a', { count: 2 })], edges: [['start', 'out', 'a']] });
    expect(validatePlaybook(playbook, registry)).toEqual([
      { severity: 'error', code: 'PARAM_REQUIRED', message: 'a: url is required', nodeId: 'a', path: 'nodes[1].params.url' },
    ]);
  });

  it("names a missing or empty required field by the node's name and the field's title", () => {
    const playbook = makePlaybook({
      nodes: [
        start,
        { id: 'check_ip', name: 'Check IP', type: 'acme.check_ip@1', params: {} },
        { id: 'check_again', name: 'Check again', type: 'acme.check_ip@1', params: { ipAddress: '' } },
      ],
      edges: [['start', 'out', 'check_ip'], ['check_ip', 'out', 'check_again']],
    });
    expect(validatePlaybook(playbook, registry)).toEqual([
      { severity: 'error', code: 'PARAM_REQUIRED', message: 'Check IP: IP address is required', nodeId: 'check_ip', path: 'nodes[1].params.ipAddress' },
      { severity: 'error', code: 'PARAM_INVALID', message: 'Check again: IP address is required', nodeId: 'check_again', path: 'nodes[2].params.ipAddress' },
    ]);
  });

  it('reports static params of the wrong type or range, and unknown params', () => {
    const playbook = makePlaybook({ nodes: [start, fetch('a', { url: 'u', count: 0, headers: { h: 1 }, urll: 'x' })], edges: [['start', 'out', 'a']] });
    expect(only(validatePlaybook(playbook, registry), 'PARAM_INVALID').map((problem) => [problem.path, problem.message])).toEqual([
      ['nodes[1].params.count', 'node a: params.count is 0; at least 1'],
      ['nodes[1].params.headers.h', 'node a: params.headers.h must be a string, not 1'],
      ['nodes[1].params.urll', 'node a: params.urll is not a parameter of acme.fetch@1'],
    ]);
  });

  it('does not type-check templated values, or the objects holding them, but still requires fields', () => {
    const playbook = makePlaybook({
      nodes: [
        start,
        fetch('a', { url: '{{ trigger.url }}', count: '{{ trigger.count }}', body: { query: 'q', limit: '{{ trigger.limit }}' } }),
        fetch('b', { count: '{{ trigger.count }}' }),
        { id: 'c', type: 'core.condition@1', params: { value: 'yes' } },
      ],
      edges: [['start', 'out', 'a'], ['a', 'out', 'b'], ['b', 'out', 'c']],
    });
    expect(validatePlaybook(playbook, registry).map((problem) => [problem.code, problem.path])).toEqual([
      ['PARAM_REQUIRED', 'nodes[2].params.url'],
      ['PARAM_INVALID', 'nodes[3].params.value'],
    ]);
  });
});
