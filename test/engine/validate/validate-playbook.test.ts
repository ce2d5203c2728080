import { describe, expect, it } from 'vitest';
import { validatePlaybook } from '../../../engine/validate/validate-playbook.ts';
import { makePlaybook, registry } from './fake-registry.ts';
import type { Problem } from '../../../engine/validate/problems.ts';

const start = { id: 'start', type: 'core.manual@1' };
const fetch = (id: string, params: Record<string, unknown> = { url: 'https://example.test' }) => ({ id, type: 'acme.fetch@1', params });

const only = (problems: Problem[], code: string) => problems.filter((problem) => problem.code === code);
const codes = (problems: Problem[]) => problems.map((problem) => problem.code);

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

describe('validatePlaybook: node types and triggers', () => {
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

describe('validatePlaybook: loops and reachability', () => {
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

  it('warns about nodes the trigger never reaches', () => {
    const playbook = makePlaybook({ nodes: [start, fetch('a'), fetch('island'), fetch('beyond')], edges: [['start', 'out', 'a'], ['island', 'out', 'beyond']] });
    expect(only(validatePlaybook(playbook, registry), 'NODE_UNREACHABLE')).toEqual([
      { severity: 'warning', code: 'NODE_UNREACHABLE', message: 'node island is not reachable from the trigger start, so it never runs', nodeId: 'island', path: 'nodes[2]' },
      expect.objectContaining({ severity: 'warning', nodeId: 'beyond' }),
    ]);
  });
});

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

describe('validatePlaybook: credentials', () => {
  const lookup = { id: 'lookup', type: 'virustotal.url_report@1', params: { url: 'u' } };

  it('reports a slot the playbook does not declare', () => {
    const playbook = makePlaybook({
      nodes: [start, { ...lookup, credential: 'vt_prod' }],
      edges: [['start', 'out', 'lookup']],
      credentials: { vt: { connector: 'virustotal' } },
    });
    expect(only(validatePlaybook(playbook, registry), 'CREDENTIAL_UNKNOWN_SLOT')).toEqual([
      {
        severity: 'error',
        code: 'CREDENTIAL_UNKNOWN_SLOT',
        message: 'node lookup uses credential slot vt_prod, which the playbook does not declare (declared: vt)',
        nodeId: 'lookup',
        path: 'nodes[1].credential',
      },
    ]);
  });

  it("reports a slot of another connector than the node's", () => {
    const playbook = makePlaybook({
      nodes: [start, { ...lookup, credential: 'scan' }],
      edges: [['start', 'out', 'lookup']],
      credentials: { scan: { connector: 'urlscan' } },
    });
    expect(validatePlaybook(playbook, registry)).toEqual([
      expect.objectContaining({
        code: 'CREDENTIAL_WRONG_CONNECTOR',
        message: 'node lookup uses slot scan, a urlscan credential, but virustotal.url_report@1 needs a virustotal credential',
      }),
    ]);
  });

  it('reports a node that needs a credential and has none', () => {
    const playbook = makePlaybook({ nodes: [start, lookup], edges: [['start', 'out', 'lookup']], credentials: {} });
    expect(validatePlaybook(playbook, registry)).toEqual([
      expect.objectContaining({ code: 'CREDENTIAL_MISSING', nodeId: 'lookup', message: "node lookup needs a virustotal credential; bind one of the playbook's credential slots" }),
    ]);
  });

  it('warns about declared slots no node uses, and credentials given to nodes that take none', () => {
    const playbook = makePlaybook({ nodes: [start, { ...fetch('a'), credential: 'vt' }], edges: [['start', 'out', 'a']], credentials: { vt: { connector: 'virustotal' }, spare: { connector: 'jira' } } });
    expect(validatePlaybook(playbook, registry).map((problem) => [problem.severity, problem.code, problem.path])).toEqual([
      ['warning', 'CREDENTIAL_NOT_ACCEPTED', 'nodes[1].credential'],
      ['warning', 'CREDENTIAL_UNUSED', 'credentials.spare'],
    ]);
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

describe('validatePlaybook: fields read from upstream outputs', () => {
  const check = { id: 'check_ip', name: 'Check IP', type: 'acme.check_ip@1', params: { ipAddress: '203.0.113.7' } };
  const reader = (url: string) => ({ id: 'block', name: 'Block IP', type: 'acme.fetch@1', params: { url } });
  const problemsOf = (url: string, upstream: Record<string, unknown> = check) =>
    validatePlaybook(makePlaybook({ nodes: [start, upstream as typeof check, reader(url)], edges: [['start', 'out', 'check_ip'], ['check_ip', 'out', 'block']] }), registry);

  it("warns about a misspelt output field, naming both nodes, the field and the closest existing one", () => {
    expect(problemsOf('{{ nodes.check_ip.output.maliciuos }}')).toEqual([
      {
        severity: 'warning',
        code: 'EXPRESSION_UNKNOWN_FIELD',
        message: 'Block IP: url reads nodes.check_ip.output.maliciuos, but Check IP (acme.check_ip@1) has no field maliciuos in its output (did you mean malicious?)',
        nodeId: 'block',
        path: 'nodes[2].params.url',
      },
    ]);
  });

  it('follows nested objects and lists, and lists the fields when none is close', () => {
    expect(problemsOf('{{ nodes.check_ip.output.network.ips }}').map((problem) => problem.message)).toEqual([
      'Block IP: url reads nodes.check_ip.output.network.ips, but Check IP (acme.check_ip@1) has no field ips in its output.network; it has isp, asn',
    ]);
    expect(problemsOf('{{ nodes.check_ip.output.reports.categroy }} {{ nodes.check_ip.output.verdict }}').map((problem) => problem.message)).toEqual([
      'Block IP: url reads nodes.check_ip.output.reports.categroy, but Check IP (acme.check_ip@1) has no field categroy in its output.reports (did you mean category?)',
      'Block IP: url reads nodes.check_ip.output.verdict, but Check IP (acme.check_ip@1) has no field verdict in its output; it has malicious, score, network, reports, raw, extra, anything',
    ]);
  });

  it('accepts declared fields, and anything under records, passthrough objects, unknown values, status and error', () => {
    const reads = [
      'nodes.check_ip.output.malicious',
      'nodes.check_ip.output.network.asn',
      'nodes.check_ip.output.reports.reportedAt',
      'nodes.check_ip.output.raw.whatever.deep',
      'nodes.check_ip.output.extra.other',
      'nodes.check_ip.output.anything.at.all',
      'nodes.check_ip.output',
      'nodes.check_ip.status',
      'nodes.check_ip.error.message',
    ];
    expect(problemsOf(reads.map((read) => `{{ ${read} }}`).join(' '))).toEqual([]);
  });

  it('reads a forEach node\'s output as a list of its results', () => {
    const each = { ...check, params: { ipAddress: '{{ item }}' }, forEach: '{{ trigger.ips }}' };
    expect(problemsOf('{{ nodes.check_ip.output.score }}', each)).toEqual([]);
    expect(problemsOf('{{ nodes.check_ip.output.scroe }}', each).map((problem) => problem.code)).toEqual(['EXPRESSION_UNKNOWN_FIELD']);
  });

  it('does not check outputs of types without a declared output schema', () => {
    const playbook = makePlaybook({
      nodes: [start, { id: 'a', type: 'acme.fetch@1', params: { url: 'u' } }, reader('{{ nodes.a.output.anything }}')],
      edges: [['start', 'out', 'a'], ['a', 'out', 'block']],
    });
    expect(validatePlaybook(playbook, registry)).toEqual([]);
  });

  it('checks the paths inside JSONata expressions, up to a filter, and not names inside predicates', () => {
    const fields = (url: string) => problemsOf(url).map((problem) => problem.message.replace(/.* has no field (\S+) in its (\S+).*/, '$2.$1'));
    expect(fields('{{ $string(nodes.check_ip.output.maliciuos) }}')).toEqual(['output.maliciuos']);
    expect(fields('{{ nodes.check_ip.output.score > 50 ? $$.nodes.check_ip.output.network.isq : "" }}')).toEqual(['output.network.isq']);
    expect(fields('{{ nodes.check_ip.output.reports[category = "ssh"].reportedAt }}')).toEqual([]);
    expect(fields('{{ nodes.check_ip.output.reprots[0].category }}')).toEqual(['output.reprots']);
  });

  it('finds the same problems in a plain path read from its text (spaces, $ or $$ before it) as the parser finds in it', () => {
    const reads = ['nodes.check_ip.output.maliciuos', '$$.nodes.check_ip.output.network.ips', '$.nodes.check_ipp.output', 'nodes.check_ip.output.score', 'triger.url'];
    for (const read of reads) expect(problemsOf(`{{ \n ${read}\t}}`)).toEqual(problemsOf(`{{ (${read}) }}`));
    expect(codes(problemsOf('{{ $$.nodes.check_ip.output.network.ips }}'))).toEqual(['EXPRESSION_UNKNOWN_FIELD']);
    expect(codes(problemsOf('{{ $.nodes.check_ipp.output }}'))).toEqual(['EXPRESSION_UNKNOWN_NODE']);
  });

  it('still reports a node that does not exist or is not upstream, without checking its fields', () => {
    expect(problemsOf('{{ nodes.check_ipp.output.maliciuos }}').map((problem) => problem.code)).toEqual(['EXPRESSION_UNKNOWN_NODE']);
    const playbook = makePlaybook({
      nodes: [start, check, reader('{{ nodes.check_ip.output.maliciuos }}')],
      edges: [['start', 'out', 'block'], ['start', 'out', 'check_ip']],
    });
    expect(validatePlaybook(playbook, registry).map((problem) => problem.code)).toEqual(['EXPRESSION_NOT_UPSTREAM']);
  });
});

describe('validatePlaybook: fields read from the trigger', () => {
  const reader = (url: string) => ({ id: 'fetch_page', name: 'Fetch page', type: 'acme.fetch@1', params: { url } });
  const problemsOf = (trigger: Record<string, unknown>, url: string) =>
    validatePlaybook(makePlaybook({ nodes: [trigger as typeof start, reader(url)], edges: [[trigger['id'] as string, 'out', 'fetch_page']] }), registry);

  it("warns about a field the trigger's sample does not have", () => {
    const manual = { id: 'start', name: 'Start', type: 'core.manual@1', params: { sample: { alert: { id: 'A-1', indicator: '203.0.113.7' } } } };
    expect(problemsOf(manual, '{{ trigger.alert.indicator }}')).toEqual([]);
    expect(problemsOf(manual, '{{ trigger.alert.indicatr }}')).toEqual([
      {
        severity: 'warning',
        code: 'EXPRESSION_UNKNOWN_TRIGGER_FIELD',
        message: "Fetch page: url reads trigger.alert.indicatr, but field indicatr in alert is not in Start's sample event (did you mean indicator?)",
        nodeId: 'fetch_page',
        path: 'nodes[1].params.url',
      },
    ]);
    expect(problemsOf({ ...manual, params: { sample: {} } }, '{{ trigger.alert.indicator }}').map((problem) => problem.message)).toEqual([
      "Fetch page: url reads trigger.alert.indicator, but field alert is not in Start's sample event",
    ]);
  });

  it("checks against the trigger's declared event schema, and warns only when neither it nor the sample has the field", () => {
    const alert = { id: 'alert', name: 'Alert', type: 'acme.alert@1', params: {} };
    expect(problemsOf(alert, '{{ trigger.alert.severity }}')).toEqual([]);
    expect(problemsOf(alert, '{{ trigger.alert.severty }}').map((problem) => problem.message)).toEqual([
      "Fetch page: url reads trigger.alert.severty, but field severty in alert is not in Alert's event schema (did you mean severity?)",
    ]);
    const sampled = { ...alert, params: { sample: { alert: { id: 'A-1' }, source: 'splunk' } } };
    expect(problemsOf(sampled, '{{ trigger.source }} {{ trigger.alert.indicator }}')).toEqual([]);
    expect(problemsOf(sampled, '{{ trigger.sourse }}').map((problem) => problem.message)).toEqual([
      "Fetch page: url reads trigger.sourse, but field sourse is neither in Alert's sample event nor its event schema (did you mean source?)",
    ]);
  });

  it('does not check a trigger with neither a sample nor a schema', () => {
    expect(problemsOf(start, '{{ trigger.anything.at.all }}')).toEqual([]);
  });
});
