import { describe, expect, it } from 'vitest';
import { validatePlaybook } from '../../../engine/validate/validate-playbook.ts';
import { makePlaybook, registry } from './fake-registry.ts';
import { fetch, only, start } from './fixture.ts';

describe('validatePlaybook: expressions', () => {
  it('reports every syntax error with its param path, forEach included', () => {
    const playbook = makePlaybook({
      nodes: [
        start,
        fetch('a', { url: '{{ trigger.url + }}', headers: { 'x-key': '{{ ( }}', ok: '{{ trigger.k }}' } }),
        { ...fetch('b', { url: '{{ item }}' }), forEach: '{{ trigger.urls' },
      ],
      edges: [['start', 'out', 'a'], ['a', 'out', 'b']],
    });
    expect(only(validatePlaybook(playbook, registry), 'EXPRESSION_SYNTAX').map((problem) => [problem.nodeId, problem.path])).toEqual([
      ['a', 'nodes[1].params.url'],
      ['a', 'nodes[1].params.headers["x-key"]'],
      ['b', 'nodes[2].forEach'],
    ]);
  });

  it('reports a reference to a node that does not exist', () => {
    const playbook = makePlaybook({ nodes: [start, fetch('check_url'), fetch('a', { url: '{{ nodes.chek_url.output.url }}' })], edges: [['start', 'out', 'check_url'], ['check_url', 'out', 'a']] });
    expect(only(validatePlaybook(playbook, registry), 'EXPRESSION_UNKNOWN_NODE')).toEqual([
      {
        severity: 'error',
        code: 'EXPRESSION_UNKNOWN_NODE',
        message: 'node a, params.url reads nodes.chek_url, which does not exist (did you mean check_url?)',
        nodeId: 'a',
        path: 'nodes[2].params.url',
      },
    ]);
  });

  it('reports a reference to a node that does not run before (a sibling, a later node, itself)', () => {
    const playbook = makePlaybook({
      nodes: [
        start,
        { id: 'decide', type: 'core.condition@1', params: { value: true } },
        fetch('yes'),
        fetch('no', { url: '{{ nodes.yes.output.url }}' }),
        fetch('first', { url: '{{ nodes.last.output }}' }),
        fetch('last', { url: 'x' }),
        { ...fetch('self', { url: '{{ item }}' }), forEach: '{{ nodes.self.output }}' },
      ],
      edges: [['start', 'out', 'decide'], ['decide', 'true', 'yes'], ['decide', 'false', 'no'], ['no', 'out', 'first'], ['first', 'out', 'last'], ['last', 'out', 'self']],
    });
    expect(only(validatePlaybook(playbook, registry), 'EXPRESSION_NOT_UPSTREAM').map((problem) => problem.message)).toEqual([
      'node no, params.url reads nodes.yes, but yes is not upstream of no, so its output cannot exist when no runs',
      'node first, params.url reads nodes.last, but last is not upstream of first, so its output cannot exist when first runs',
      'node self, forEach reads its own output, which does not exist while it runs',
    ]);
  });

  it('accepts references to any ancestor, however far, and through $$', () => {
    const playbook = makePlaybook({
      nodes: [start, fetch('a'), fetch('b'), fetch('c', { url: '{{ $$.nodes.a.output.url }}/{{ nodes.b.status }}' })],
      edges: [['start', 'out', 'a'], ['a', 'out', 'b'], ['b', 'error', 'c']],
    });
    expect(validatePlaybook(playbook, registry)).toEqual([]);
  });

  it('warns about roots that are not in scope', () => {
    const playbook = makePlaybook({ nodes: [start, fetch('a', { url: '{{ triger.url }}' })], edges: [['start', 'out', 'a']] });
    expect(validatePlaybook(playbook, registry)).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'EXPRESSION_UNKNOWN_ROOT', path: 'nodes[1].params.url' }),
    ]);
  });

  it('treats an escaped \\{{ as text', () => {
    const playbook = makePlaybook({ nodes: [start, fetch('a', { url: 'literal \\{{ nodes.ghost }}' })], edges: [['start', 'out', 'a']] });
    expect(validatePlaybook(playbook, registry)).toEqual([]);
  });
});
