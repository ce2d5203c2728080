import { describe, expect, it } from 'vitest';
import { validatePlaybook } from '../../../engine/validate/validate-playbook.ts';
import { makePlaybook, registry } from './fake-registry.ts';
import { fetch, only, start } from './fixture.ts';

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
