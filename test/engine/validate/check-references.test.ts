import { describe, expect, it } from 'vitest';
import { validatePlaybook } from '../../../engine/validate/validate-playbook.ts';
import { makePlaybook, registry } from './fake-registry.ts';
import { codes, start } from './fixture.ts';

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
