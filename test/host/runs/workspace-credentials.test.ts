import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../engine/run/events.ts';
import { builtinConnectors, createBuiltinRegistry } from '../../../nodes/registry.ts';
import { createEventScrubber, workspaceResolver } from '../../../host/runs/run-manager.ts';
import { knownSecrets, workspaceCredentials } from '../../../host/runs/workspace-credentials.ts';
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

describe('a run’s credentials', () => {
  it('resolves a bound slot from the vault, with its secrets for redaction', async () => {
    const port = workspaceCredentials({ bindings: { vt: 'vt-prod' }, vault, kinds, lab: undefined });
    expect(await port.resolve('vt', 'virustotal')).toEqual({ values: stored[0]!.values, secrets: ['prod-secret-key'] });
  });

  it('fills a lab credential with the live lab URLs, and refuses it when the lab is not running', async () => {
    const withLab = workspaceCredentials({ bindings: { vt: 'lab-virustotal' }, vault, kinds, lab });
    expect((await withLab.resolve('vt', 'virustotal'))?.values).toEqual({ apiKey: 'lab-key-123', baseUrl: 'http://127.0.0.1:4100/api/v3' });
    const withoutLab = workspaceCredentials({ bindings: { vt: 'lab-virustotal' }, vault, kinds, lab: undefined });
    await expect(withoutLab.resolve('vt', 'virustotal')).rejects.toMatchObject({ code: 'AUTH', message: expect.stringContaining('the lab is not running') });
  });

  it('uses the lab for unbound slots while it runs, else nothing', async () => {
    expect(await workspaceCredentials({ bindings: {}, vault, kinds, lab }).resolve('vt', 'virustotal')).toMatchObject({ secrets: ['lab-key-123'] });
    expect(await workspaceCredentials({ bindings: {}, vault, kinds, lab: undefined }).resolve('vt', 'virustotal')).toBeUndefined();
  });

  it('refuses a binding to a missing credential or one of another connector', async () => {
    await expect(workspaceCredentials({ bindings: { vt: 'gone' }, vault, kinds, lab }).resolve('vt', 'virustotal')).rejects.toMatchObject({ code: 'AUTH', message: expect.stringContaining('no longer exists') });
    await expect(workspaceCredentials({ bindings: { x: 'vt-prod' }, vault, kinds, lab }).resolve('x', 'abuseipdb')).rejects.toMatchObject({ code: 'AUTH', message: expect.stringContaining('needs a abuseipdb credential') });
  });

  it('knows every secret a run may meet before it starts', () => {
    expect(knownSecrets({ bindings: { vt: 'vt-prod' }, vault, kinds, lab }).sort()).toEqual(['lab-key-123', 'prod-secret-key']);
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
