import { describe, expect, it } from 'vitest';
import { validatePlaybook } from '../../../engine/validate/validate-playbook.ts';
import { makePlaybook, registry } from './fake-registry.ts';
import { codes, fetch, start } from './fixture.ts';

describe('validatePlaybook: a sound playbook', () => {
  it('has no problems', () => {
    const playbook = makePlaybook({
      nodes: [
        start,
        { id: 'check_url', type: 'virustotal.url_report@1', params: { url: '{{ trigger.url }}' }, credential: 'vt' },
        { id: 'decide', type: 'core.condition@1', params: { value: '{{ nodes.check_url.output.malicious > 0 }}' } },
        { id: 'route', type: 'core.switch@1', params: { value: '{{ nodes.check_url.output.verdict }}', cases: ['phish', 'spam'] } },
        fetch('block', { url: 'https://fw/{{ nodes.check_url.output.host }}', count: 2 }),
        { id: 'done', type: 'core.noop@1', join: 'any' },
      ],
      edges: [
        ['start', 'out', 'check_url'],
        ['check_url', 'out', 'decide'],
        ['decide', 'true', 'route'],
        ['decide', 'false', 'done'],
        ['route', 'phish', 'block'],
        ['route', 'default', 'done'],
        ['block', 'out', 'done'],
        ['block', 'error', 'done'],
      ],
      credentials: { vt: { connector: 'virustotal' } },
    });
    expect(validatePlaybook(playbook, registry)).toEqual([]);
  });
});

describe('validatePlaybook: everything at once', () => {
  it('reports every problem of a broken playbook in one pass, disabled nodes included', () => {
    const playbook = makePlaybook({
      nodes: [
        fetch('a', {}),
        { ...fetch('b', { url: '{{ nodes.ghost.output }}' }), disabled: true, credential: 'nope' },
        { id: 'c', type: 'acme.nothing@1' },
        { id: 'd', type: 'core.condition@1', params: { value: '{{ ) }}' } },
      ],
      edges: [['a', 'out', 'b'], ['b', 'out', 'a'], ['b', 'sideways', 'c'], ['c', 'out', 'zzz']],
    });
    expect(new Set(codes(validatePlaybook(playbook, registry)))).toEqual(
      new Set([
        'UNKNOWN_NODE_TYPE',
        'EDGE_UNKNOWN_PORT',
        'EDGE_DANGLING',
        'PLAYBOOK_CYCLE',
        'EXPRESSION_SYNTAX',
        'EXPRESSION_UNKNOWN_NODE',
        'PARAM_REQUIRED',
        'CREDENTIAL_UNKNOWN_SLOT',
      ]),
    );
  });

  it('lists problems in the order of the checks: ids, types, edges, loops, reachability, expressions, params, credentials', () => {
    const playbook = makePlaybook({
      nodes: [
        { ...fetch('a', { url: '{{ nodes.ghost.output }}' }), credential: 'nope' },
        start,
        fetch('a'),
        { id: 'x', type: 'acme.nothing@1' },
        fetch('c'),
        fetch('island', { count: 2 }),
      ],
      edges: [['start', 'out', 'a'], ['a', 'out', 'c'], ['c', 'out', 'a'], ['a', 'error', 'zzz'], ['c', 'error', 'x']],
    });
    expect(codes(validatePlaybook(playbook, registry))).toEqual([
      'DUPLICATE_NODE_ID',
      'UNKNOWN_NODE_TYPE',
      'EDGE_DANGLING',
      'PLAYBOOK_CYCLE',
      'NODE_UNREACHABLE',
      'EXPRESSION_UNKNOWN_NODE',
      'PARAM_REQUIRED',
      'CREDENTIAL_UNKNOWN_SLOT',
    ]);
  });

  it('without a registry, runs only the checks that need no node types', () => {
    const playbook = makePlaybook({
      nodes: [{ id: 'a', type: 'who.knows@1', params: { x: '{{ nodes.b.output }}' } }, { id: 'b', type: 'who.cares@1' }],
      edges: [['a', 'out', 'b']],
    });
    expect(codes(validatePlaybook(playbook))).toEqual(['EXPRESSION_NOT_UPSTREAM']);
  });
});

describe('validatePlaybook: scale', () => {
  const chain = (count: number, reads: (i: number) => string) =>
    makePlaybook({
      nodes: [start, ...Array.from({ length: count - 1 }, (_, i) => fetch(`n${i + 1}`, { url: `https://x/{{ nodes.${reads(i + 1)}.output.v }}/${i}`, count: 2 }))],
      edges: Array.from({ length: count - 1 }, (_, i) => [i === 0 ? 'start' : `n${i}`, 'out', `n${i + 1}`] as [string, string, string]),
    });

  it.each([
    ['its predecessor', (i: number) => (i === 1 ? 'start' : `n${i - 1}`)],
    ['the first node', () => 'start'],
    ['a node halfway back', (i: number) => (i < 2 ? 'start' : `n${i >> 1}`)],
  ])('validates a 20,000-node chain (each node reading %s) without a problem or a stack overflow', (_label, reads) => {
    expect(validatePlaybook(chain(20_000, reads), registry)).toEqual([]);
  });

  it('reports a 20,000-node loop without overflowing the stack', () => {
    const playbook = chain(20_000, () => 'start');
    playbook.edges.push({ id: 'back', from: 'n19999', port: 'out', to: 'n1' });
    expect(codes(validatePlaybook(playbook, registry))).toEqual(['PLAYBOOK_CYCLE']);
  });
});
