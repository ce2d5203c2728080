import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../../../host/host.ts';
import { auditOf } from '../../../host/protocol/audit-of.ts';
import type { MethodName, ParamsOf } from '../../../host/protocol/contract.ts';
import { callRefusal, dispatch } from '../../../host/protocol/dispatch.ts';
import type { SignedIn } from '../../../host/team/people/sessions.ts';
import { TINY } from '../../support/chain-playbook.ts';
import { memoryTeam, type MemoryTeam } from '../../support/memory-team.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { testKeyProvider, writeShipped } from './harness.ts';

const dir = useTempDir('switchboard-roles-');
let opened: Host | undefined;

afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

/** A host over a fresh workspace seeded with tiny; in team mode with `team`. */
async function openHost(team?: MemoryTeam): Promise<Host> {
  opened = await createHost({ workspaceDir: path.join(dir(), 'ws'), shippedDir: writeShipped(path.join(dir(), 'shipped'), [TINY]), keyProvider: testKeyProvider(), env: {} });
  if (team !== undefined) opened.context.team = team;
  return opened;
}

let nextId = 0;
/** One call as `caller`; the whole answer frame. */
function call<M extends MethodName>(host: Host, method: M, params: ParamsOf<M>, caller?: SignedIn, sink?: (method: string, err: unknown) => void) {
  return dispatch(JSON.stringify({ id: ++nextId, method, params }), host.context, sink, caller) as Promise<{ result?: never; error?: { code: string; message: string } }>;
}

const viewer: SignedIn = { name: 'vera', role: 'viewer' };
const analyst: SignedIn = { name: 'ann', role: 'analyst' };
const admin: SignedIn = { name: 'ada', role: 'admin' };

describe('callRefusal', () => {
  it('refuses nothing on a desktop host', () => {
    expect(callRefusal(false, 'credentials.save', undefined)).toBeUndefined();
  });

  it('needs a signed-in caller on a team host, whose role reaches the method', () => {
    expect(callRefusal(true, 'host.info', undefined)).toBe('host.info needs a signed-in person: sign in first');
    expect(callRefusal(true, 'runs.start', viewer)).toBe('runs.start needs the analyst role; you are viewer');
    expect(callRefusal(true, 'runs.decide', analyst)).toBe('runs.decide needs the approver role; you are analyst');
    expect(callRefusal(true, 'runs.decide', { name: 'al', role: 'approver' })).toBeUndefined();
    expect(callRefusal(true, 'triggers.publish', admin)).toBeUndefined();
  });
});

describe('auditOf', () => {
  it('keeps a credential save to its id, name and connector, never its values', () => {
    const audited = auditOf(
      'credentials.save',
      { name: 'VT', connector: 'virustotal', values: { apiKey: 'sekrit-value' } },
      { credential: { id: 'vt', name: 'VT', connector: 'virustotal', fields: {}, secretFields: ['apiKey'], updatedAt: 1 } },
    );
    expect(audited).toEqual({ action: 'credentials.save', target: 'vt', detail: { name: 'VT', connector: 'virustotal', created: true } });
  });

  it('records nothing for reads and draft edits', () => {
    expect(auditOf('playbooks.list', {}, { playbooks: [] })).toBeUndefined();
    expect(auditOf('playbooks.rename', { id: 'x', name: 'y' }, { playbook: {} as never })).toBeUndefined();
  });

  it('keeps a long egress allow list as its first entries and its length', () => {
    const allow = Array.from({ length: 500 }, (_, i) => `10.0.${Math.floor(i / 250)}.${i % 250}`);
    const audited = auditOf('settings.save', { egress: { allow } }, { settings: { labMode: false } });
    expect(audited?.detail).toEqual({ egress: { allow: allow.slice(0, 40), count: 500 } });
  });
});

describe('dispatch on a team host', () => {
  it('refuses a call without a signed-in caller with FORBIDDEN, before reading its params', async () => {
    const host = await openHost(memoryTeam({}));
    expect(await call(host, 'playbooks.list', {})).toMatchObject({ error: { code: 'FORBIDDEN', message: 'playbooks.list needs a signed-in person: sign in first' } });
    expect(await call(host, 'runs.start', { bogus: 1 } as never, viewer)).toMatchObject({ error: { code: 'FORBIDDEN', message: 'runs.start needs the analyst role; you are viewer' } });
  });

  it("lets a viewer read, and tells host.info who is signed in and what their role may do", async () => {
    const host = await openHost(memoryTeam({}));
    expect((await call(host, 'playbooks.list', {}, viewer)).result).toMatchObject({ playbooks: [{ id: 'tiny' }] });
    expect((await call(host, 'host.info', {}, viewer)).result).toMatchObject({ user: { name: 'vera', role: 'viewer', may: { edit: false, run: false, decide: false, admin: false } } });
    expect((await call(host, 'host.info', {}, analyst)).result).toMatchObject({ user: { role: 'analyst', may: { edit: true, run: true, decide: false, admin: false } } });
    expect((await call(host, 'host.info', {}, { name: 'al', role: 'approver' })).result).toMatchObject({ user: { may: { edit: true, run: true, decide: true, admin: false } } });
    expect((await call(host, 'host.info', {}, admin)).result).toMatchObject({ user: { may: { edit: true, run: true, decide: true, admin: true } } });
  });

  it('records a manual run in the audit trail under the caller, with its mode, dry run and lab flags', async () => {
    const team = memoryTeam({});
    const host = await openHost(team);
    const answer = await call(host, 'runs.start', { playbookId: 'tiny', dryRun: true }, analyst);
    const runId = (answer.result as unknown as { runId: string }).runId;
    expect(team.entries).toEqual([{ actor: 'ann', action: 'runs.start', target: runId, detail: { playbookId: 'tiny', mode: 'run', dryRun: true, lab: false } }]);
  });

  it('records a credential save by id and name, never a value, and nothing for unaudited calls', async () => {
    const team = memoryTeam({});
    const host = await openHost(team);
    const saved = await call(host, 'credentials.save', { name: 'VirusTotal', connector: 'virustotal', values: { apiKey: 'a-very-secret-api-key-123' } }, admin);
    expect(saved.error).toBeUndefined();
    await call(host, 'playbooks.rename', { id: 'tiny', name: 'Tiny 2' }, admin);
    expect(team.entries).toHaveLength(1);
    expect(team.entries[0]).toMatchObject({ actor: 'ada', action: 'credentials.save', detail: { name: 'VirusTotal', connector: 'virustotal', created: true } });
    expect(JSON.stringify(team.entries)).not.toContain('a-very-secret-api-key-123');
  });

  it('records the refused attempt of an audited call, and nothing for a failed one or a refused read', async () => {
    const team = memoryTeam({});
    const host = await openHost(team);
    await call(host, 'credentials.delete', { id: 'nope' }, analyst);
    await call(host, 'runs.list', {}, undefined);
    expect(await call(host, 'credentials.delete', { id: 'nope' }, admin)).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(team.entries).toEqual([
      { actor: 'ann', action: 'credentials.delete', target: 'nope', detail: { refused: 'credentials.delete needs the admin role; you are analyst' } },
    ]);
  });

  it('answers FAILED, naming the audit trail, when the action could not be recorded, and logs why', async () => {
    const team = memoryTeam({});
    team.breakAudit();
    const host = await openHost(team);
    const logged: string[] = [];
    const answer = await call(host, 'settings.save', { labMode: true }, admin, (method, err) => logged.push(`${method}: ${String(err)}`));
    expect(answer.error).toEqual({ code: 'FAILED', message: 'settings.save was done but could not be recorded in the audit trail (the audit database is unreachable)' });
    expect(logged).toEqual(['settings.save (audit trail): Error: the audit database is unreachable']);
  });
});

describe('dispatch on a desktop host', () => {
  it('needs no caller and says no user in host.info', async () => {
    const host = await openHost();
    const info = await call(host, 'host.info', {});
    expect(info.error).toBeUndefined();
    expect(info.result).not.toHaveProperty('user');
    expect((await call(host, 'settings.save', { labMode: true })).error).toBeUndefined();
  });
});
