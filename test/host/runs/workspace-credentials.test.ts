import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../engine/run/events.ts';
import { builtinConnectors, createBuiltinRegistry } from '../../../nodes/registry.ts';
import { createEventScrubber, workspaceResolver } from '../../../host/runs/run-manager.ts';
import { knownSecrets, resolvableSlots, workspaceCredentials, workspaceSlotProblems, type CredentialSources } from '../../../host/runs/workspace-credentials.ts';
import { credentialKinds } from '../../../host/vault/credential-kinds.ts';
import type { StoredCredential } from '../../../host/vault/vault.ts';

const kinds = credentialKinds(builtinConnectors, createBuiltinRegistry());
const stored: StoredCredential[] = [
  { id: 'vt-prod', name: 'VT prod', connector: 'virustotal', updatedAt: 1, values: { apiKey: 'prod-secret-key', baseUrl: 'https://vt.example/api/v3' } },
  { id: 'lab-virustotal', name: 'Lab VirusTotal', connector: 'virustotal', lab: true, updatedAt: 1, values: { apiKey: 'lab-key-123' } },
];
const vault = { get: (id: string) => stored.find((c) => c.id === id) };
const lab = {
  credentials: { virustotal: { apiKey: 'lab-key-123', baseUrl: 'http://127.0.0.1:4100/api/v3' } },
  credentialsPort: { resolve: async () => ({ values: { apiKey: 'lab-key-123' }, secrets: ['lab-key-123'] }) },
};

/** The sources of a run outside lab mode, with the lab running unless told otherwise. */
function sources(bindings: Record<string, string>, extra: Partial<CredentialSources> = {}): CredentialSources {
  return { bindings, vault, kinds, lab, labMode: false, ...extra };
}

describe('a run’s credentials', () => {
  it('resolves a bound slot from the vault, with its secrets for redaction, not marked lab', async () => {
    const port = workspaceCredentials(sources({ vt: 'vt-prod' }, { lab: undefined }));
    expect(await port.resolve('vt', 'virustotal')).toEqual({ values: stored[0]!.values, secrets: ['prod-secret-key'] });
  });

  it('fills a lab credential with the live lab URLs and marks it lab, in a run outside lab mode too; refuses it when the lab is not running', async () => {
    const withLab = workspaceCredentials(sources({ vt: 'lab-virustotal' }));
    expect(await withLab.resolve('vt', 'virustotal')).toMatchObject({ values: { apiKey: 'lab-key-123', baseUrl: 'http://127.0.0.1:4100/api/v3' }, lab: true });
    const withoutLab = workspaceCredentials(sources({ vt: 'lab-virustotal' }, { lab: undefined }));
    await expect(withoutLab.resolve('vt', 'virustotal')).rejects.toMatchObject({ code: 'AUTH', message: expect.stringContaining('the lab is not running') });
  });

  it('resolves an unbound slot to nothing outside lab mode, even while the lab runs', async () => {
    expect(await workspaceCredentials(sources({})).resolve('vt', 'virustotal')).toBeUndefined();
    expect(await workspaceCredentials(sources({}, { lab: undefined, labMode: true })).resolve('vt', 'virustotal')).toBeUndefined();
  });

  it('resolves an unbound slot to the lab’s credential, marked lab, in lab mode only', async () => {
    expect(await workspaceCredentials(sources({}, { labMode: true })).resolve('vt', 'virustotal')).toEqual({ values: { apiKey: 'lab-key-123' }, secrets: ['lab-key-123'], lab: true });
  });

  it('resolves a sub-playbook’s slots from its own bindings, not the caller’s slot of the same name', async () => {
    const port = workspaceCredentials(sources({ vt: 'vt-prod' }, { bindingsOf: (id): Record<string, string> => (id === 'child' ? { vt: 'lab-virustotal' } : {}) }));
    expect(await port.forPlaybook?.('child').resolve('vt', 'virustotal')).toMatchObject({ values: { apiKey: 'lab-key-123' }, lab: true });
    expect(await port.forPlaybook?.('other').resolve('vt', 'virustotal')).toBeUndefined();
    expect(await workspaceCredentials(sources({}, { labMode: true, bindingsOf: () => ({}) })).forPlaybook?.('other').resolve('vt', 'virustotal')).toMatchObject({ lab: true });
  });

  it('refuses a binding to a missing credential or one of another connector', async () => {
    await expect(workspaceCredentials(sources({ vt: 'gone' })).resolve('vt', 'virustotal')).rejects.toMatchObject({ code: 'AUTH', message: expect.stringContaining('no longer exists') });
    await expect(workspaceCredentials(sources({ x: 'vt-prod' })).resolve('x', 'abuseipdb')).rejects.toMatchObject({ code: 'AUTH', message: expect.stringContaining('needs a abuseipdb credential') });
  });

  it('knows every secret a run may meet before it starts', () => {
    expect(knownSecrets(sources({ vt: 'vt-prod' })).sort()).toEqual(['lab-key-123', 'prod-secret-key']);
  });
});

describe('unbound credential slots', () => {
  const playbook = {
    credentials: { edr: { connector: 'crowdstrike' }, vt: { connector: 'virustotal' }, spare: { connector: 'slack' } },
    nodes: [
      { id: 'contain_host', type: 'crowdstrike.contain_host@1', name: 'Contain', params: {}, credential: 'edr' },
      { id: 'host_details', type: 'crowdstrike.host_details@1', name: 'Details', params: {}, credential: 'edr' },
      { id: 'old_lookup', type: 'virustotal.url_report@1', name: 'Old', params: {}, credential: 'vt', disabled: true },
    ],
  };

  it('refuse the run outside lab mode, naming the slot, its connector and the nodes that use it', () => {
    expect(workspaceSlotProblems(playbook, sources({}))).toEqual([
      {
        severity: 'error',
        code: 'CREDENTIAL_UNBOUND',
        message: 'credential slot "edr" (crowdstrike) is not bound; used by nodes contain_host, host_details — bind it or run in lab mode',
        path: 'credentials.edr',
        nodeId: 'contain_host',
      },
    ]);
  });

  it('pass in lab mode when the lab has a twin for the connector, and when nodes that would use them do not run', () => {
    const labOfEveryone = { ...lab, credentials: { ...lab.credentials, crowdstrike: { client_id: 'x' } } };
    expect(workspaceSlotProblems(playbook, sources({}, { lab: labOfEveryone, labMode: true }))).toEqual([]);
    expect(workspaceSlotProblems(playbook, sources({}), new Set(['contain_host', 'host_details']))).toEqual([]);
  });

  it('in lab mode name the connectors the lab has no twin for', () => {
    expect(workspaceSlotProblems(playbook, sources({}, { labMode: true }))[0]?.message).toBe(
      'credential slot "edr" (crowdstrike) is not bound; used by nodes contain_host, host_details — bind it (the lab has no crowdstrike twin)',
    );
  });

  it('count a slot bound to a stored credential as bound, and one bound to a deleted credential as not', () => {
    expect(resolvableSlots(playbook, sources({ edr: 'vt-prod', vt: 'gone' }))).toEqual(new Set(['edr']));
  });
});

describe('what goes to clients', () => {
  it('scrubs known secrets and sensitive field names, as the journal does', () => {
    const scrub = createEventScrubber(['prod-secret-key']);
    const event = { seq: 2, runId: 'r', at: 1, type: 'node.succeeded', nodeId: 'n', attempt: 1, port: 'out', durationMs: 1, output: { echo: 'key=prod-secret-key', password: 'hunter22', plain: 'ok' } } as RunEvent;
    expect(scrub(event)).toMatchObject({ output: { echo: 'key=[REDACTED]', password: '[REDACTED]', plain: 'ok' } });
    const clean = { seq: 1, runId: 'r', at: 1, type: 'node.log', nodeId: 'n', level: 'info', message: 'hello' } as RunEvent;
    expect(scrub(clean)).toBe(clean);
  });

  it('resolves sub-playbooks by workspace id only', async () => {
    const resolver = workspaceResolver({ runnablePlaybook: async (id) => ({ id }) as never });
    expect(await resolver.load('child')).toEqual({ id: 'child' });
    await expect(resolver.load('../secrets.playbook.json')).rejects.toThrow(/by id, not by path/);
  });
});
