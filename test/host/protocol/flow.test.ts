import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../engine/run/events.ts';
import { chainPlaybook, TINY } from '../../support/chain-playbook.ts';
import type { TestServer } from '../../support/http-server.ts';
import { APPROVAL, startEchoServer, useProtocolServer, writeShipped } from './harness.ts';

const CANARY = 'canary-7f3a9c2e-secret-b41d';

let echo: TestServer;

function echoPlaybook(url: string) {
  return chainPlaybook(
    'echo',
    [
      { id: 'start', type: 'trigger.manual@1' },
      { id: 'call', type: 'core.http_get@1', params: { url: `${url}/whoami`, auth: 'bearer' }, credential: 'api' },
    ],
    { credentials: { api: { connector: 'http', description: 'the echo API' } } },
  );
}

/** Every file of the workspace but the run journal, with its bytes: what "touches nothing" compares. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'runs') walk(full);
      } else out[path.relative(dir, full)] = fs.readFileSync(full, 'base64');
    }
  };
  walk(dir);
  return out;
}

const finishedOf = (runId: string) => (event: RunEvent) => event.runId === runId && event.type === 'run.finished';
const eventsOf = (runId: string) => client().events.filter((e) => e.runId === runId);

beforeAll(async () => {
  echo = await startEchoServer();
});
afterAll(() => echo.close());

const { client, workspace } = useProtocolServer((dir) => ({ shipped: writeShipped(dir(), [TINY, APPROVAL, echoPlaybook(echo.url)]), workspace: dir() }));

describe('the protocol, end to end over a WebSocket', () => {
  it('describes the host and the connector catalogue', async () => {
    const info = await client().call('host.info', {});
    expect(info).toMatchObject({ workspace: workspace(), vault: { protection: 'environment' }, lab: { running: false, twins: [] } });
    const { connectors } = await client().call('catalogue.list', {});
    expect(connectors.map((c) => c.id)).toEqual(expect.arrayContaining(['core', 'virustotal']));
    expect(connectors.find((c) => c.id === 'virustotal')?.credentials).toMatchObject({ properties: { apiKey: { secret: true, writeOnly: true } } });
  });

  it('lists the seeded playbooks with their slots', async () => {
    const { playbooks } = await client().call('playbooks.list', {});
    expect(playbooks.map((p) => p.id)).toEqual(['approve', 'echo', 'tiny']);
    expect(playbooks.find((p) => p.id === 'echo')).toMatchObject({ nodeCount: 2, errorCount: 0, slots: [{ slot: 'api', connector: 'http', credentialId: null }] });
  });

  it('saves with a revision bump and refuses a stale revision with CONFLICT', async () => {
    const { playbook } = await client().call('playbooks.get', { id: 'tiny' });
    expect(playbook.revision).toBe(0);
    const first = await client().call('playbooks.save', { playbook: { ...playbook, description: 'v1' }, expectedRevision: 0 });
    expect(first.playbook.revision).toBe(1);
    await expect(client().call('playbooks.save', { playbook: { ...playbook, description: 'stale' }, expectedRevision: 0 })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('revision 1'),
    });
    const second = await client().call('playbooks.save', { playbook: { ...first.playbook, description: 'v2' }, expectedRevision: 1 });
    expect(second.playbook.revision).toBe(2);
    expect((await client().call('playbooks.get', { id: 'tiny' })).playbook.description).toBe('v2');
    expect(client().frames.some((f) => f.includes('"playbooks.changed"'))).toBe(true);
  });

  it('saves a playbook with graph problems (work is not lost) and returns them; refuses one that is not a playbook', async () => {
    const broken = chainPlaybook('draft', [
      { id: 'start', type: 'trigger.manual@1' },
      { id: 'x', type: 'core.set@1', params: { values: { a: '{{ nodes.nowhere.output }}' } } },
    ]);
    const saved = await client().call('playbooks.save', { playbook: broken });
    expect(saved.problems.some((p) => p.severity === 'error' && p.nodeId === 'x')).toBe(true);
    expect((await client().call('playbooks.get', { id: 'draft' })).problems).toMatchObject(saved.problems);
    await expect(client().call('runs.start', { playbookId: 'draft' })).rejects.toMatchObject({ code: 'INVALID_PLAYBOOK' });
    const before = snapshot(workspace());
    await expect(client().call('playbooks.save', { playbook: { ...broken, nodez: [] } })).rejects.toMatchObject({
      code: 'INVALID_PLAYBOOK',
      message: expect.stringContaining('nodez'),
    });
    expect(snapshot(workspace())).toEqual(before);
    expect((await client().call('playbooks.validate', { playbook: broken })).problems).toEqual(saved.problems);
  });

  it('creates, renames, duplicates and deletes playbooks', async () => {
    const created = (await client().call('playbooks.create', { name: 'Phishing triage (EU)' })).playbook;
    expect(created).toMatchObject({ id: 'phishing-triage-eu', revision: 1, nodes: [{ type: 'trigger.manual@1' }] });
    expect((await client().call('playbooks.create', { name: 'Phishing triage (EU)' })).playbook.id).toBe('phishing-triage-eu-2');
    const renamed = (await client().call('playbooks.rename', { id: created.id, name: 'Phishing (all regions)' })).playbook;
    expect(renamed).toMatchObject({ id: 'phishing-triage-eu', name: 'Phishing (all regions)', revision: 2 });
    const copy = (await client().call('playbooks.duplicate', { id: created.id })).playbook;
    expect(copy).toMatchObject({ id: 'phishing-all-regions-copy', name: 'Phishing (all regions) (copy)', revision: 1 });
    await client().call('playbooks.delete', { id: copy.id });
    await expect(client().call('playbooks.get', { id: copy.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client().call('playbooks.delete', { id: copy.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('creates a credential without ever echoing its secret, and keeps it when the secret is left out', async () => {
    const { credential } = await client().call('credentials.save', { name: 'Echo API', connector: 'http', values: { baseUrl: echo.url, token: CANARY } });
    expect(credential).toMatchObject({ id: 'echo-api', connector: 'http', fields: { token: { set: true }, apiKey: { set: false } } });
    expect(credential.secretFields).toEqual(expect.arrayContaining(['token', 'apiKey', 'password']));
    const edited = await client().call('credentials.save', { id: 'echo-api', name: 'Echo API (renamed)', connector: 'http', values: { baseUrl: echo.url, username: 'svc-echo' } });
    expect(edited.credential.fields).toMatchObject({ token: { set: true }, username: 'svc-echo' });
    const { credentials } = await client().call('credentials.list', {});
    expect(credentials.find((c) => c.id === 'echo-api')).toMatchObject({ name: 'Echo API (renamed)', fields: { token: { set: true } } });
    expect(credentials.filter((c) => c.lab === true).map((c) => c.name)).toContain('Lab VirusTotal');
    for (const frame of client().frames) expect(frame).not.toContain(CANARY);
  });

  it('never re-points a stored token: changing its URL needs the secret again', async () => {
    const okta = { name: 'Okta prod', connector: 'okta' };
    const { credential } = await client().call('credentials.save', { ...okta, values: { baseUrl: 'https://acme.okta.com', apiToken: CANARY } });
    await expect(client().call('credentials.save', { id: credential.id, ...okta, values: { baseUrl: 'http://127.0.0.1:9999' } })).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
      message: 'values.baseUrl: changing where credential "Okta prod" is sent needs its secret again (enter values.apiToken)',
    });
    expect((await client().call('credentials.list', {})).credentials.find((c) => c.id === credential.id)?.fields['baseUrl']).toBe('https://acme.okta.com');
    const renamed = await client().call('credentials.save', { id: credential.id, name: 'Okta (prod)', connector: 'okta', values: { baseUrl: 'https://acme.okta.com' } });
    expect(renamed.credential).toMatchObject({ name: 'Okta (prod)', fields: { baseUrl: 'https://acme.okta.com', apiToken: { set: true } } });
    const moved = await client().call('credentials.save', { id: credential.id, name: 'Okta (prod)', connector: 'okta', values: { baseUrl: 'https://acme-new.okta.com', apiToken: 'typed-again-123' } });
    expect(moved.credential.fields['baseUrl']).toBe('https://acme-new.okta.com');
    await client().call('credentials.delete', { id: credential.id });
    for (const frame of client().frames) expect(frame).not.toContain(CANARY);
  });

  it('refuses credentials that do not fit their connector, naming the field', async () => {
    await expect(client().call('credentials.save', { name: 'VT', connector: 'virustotal', values: { apiKey: 5 } })).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
      message: expect.stringMatching(/^values\.apiKey: /),
    });
    await expect(client().call('credentials.save', { name: 'VT', connector: 'virustotal', values: { apiKey: 'k', colour: 'red' } })).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
      message: expect.stringMatching(/^values\.colour: /),
    });
    await expect(client().call('credentials.save', { name: 'X', connector: 'nobody', values: {} })).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/^connector: /) });
    await expect(client().call('credentials.save', { id: 'echo-api', name: 'X', connector: 'virustotal', values: { apiKey: 'k' } })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
  });

  it('binds a slot to a credential of its connector only', async () => {
    const { slots } = await client().call('playbooks.bind', { playbookId: 'echo', slot: 'api', credentialId: 'echo-api' });
    expect(slots).toEqual([{ slot: 'api', connector: 'http', credentialId: 'echo-api' }]);
    await expect(client().call('playbooks.bind', { playbookId: 'echo', slot: 'api', credentialId: 'lab-virustotal' })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    await expect(client().call('playbooks.bind', { playbookId: 'echo', slot: 'nope', credentialId: 'echo-api' })).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/^slot: /) });
    await expect(client().call('playbooks.bind', { playbookId: 'echo', slot: 'api', credentialId: 'ghost' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(JSON.parse(fs.readFileSync(path.join(workspace(), 'bindings.json'), 'utf8'))).toEqual({ echo: { api: 'echo-api' } });
  });

  it('starts a run and streams its events through run.finished, response first', async () => {
    const { runId } = await client().call('runs.start', { playbookId: 'tiny' });
    const finished = await client().waitForEvent(finishedOf(runId));
    expect(finished).toMatchObject({ status: 'succeeded', output: { seen: '10.0.0.1' } });
    const events = eventsOf(runId);
    expect(events[0]?.type).toBe('run.started');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'node.succeeded').map((e) => (e as { nodeId: string }).nodeId)).toEqual(['start', 'first', 'second']);
    const responseAt = client().frames.findIndex((f) => f.includes(`"result":{"runId":"${runId}"}`));
    const firstEventAt = client().frames.findIndex((f) => f.includes('"run.event"') && f.includes(runId));
    expect(responseAt).toBeGreaterThanOrEqual(0);
    expect(responseAt).toBeLessThan(firstEventAt);
  });

  it('steps through a run with runs.control: step, skip, continue', async () => {
    const { runId } = await client().call('runs.start', { playbookId: 'tiny', mode: 'step', trigger: { ip: '192.0.2.1' } });
    const paused = (nodeId: string) => (e: RunEvent) => e.runId === runId && e.type === 'run.paused' && e.nodeId === nodeId;
    await client().waitForEvent(paused('first'));
    expect(await client().call('runs.control', { runId, action: 'step' })).toEqual({ ok: true });
    await client().waitForEvent(paused('second'));
    expect(await client().call('runs.control', { runId, action: 'skip', output: { seen: 'skipped' } })).toEqual({ ok: true });
    const finished = await client().waitForEvent(finishedOf(runId));
    expect(finished).toMatchObject({ status: 'succeeded', output: { seen: 'skipped' } });
    expect(eventsOf(runId).find((e) => e.type === 'node.succeeded' && e.nodeId === 'first')).toMatchObject({ output: { ip: '192.0.2.1' } });
    const late = await client().call('runs.control', { runId, action: 'continue' }).catch((err: { code: string }) => err);
    expect('ok' in late ? late.ok : late.code).toSatisfy((answer) => answer === false || answer === 'NOT_FOUND');
  });

  it('stops at a breakpoint and continues', async () => {
    const { runId } = await client().call('runs.start', { playbookId: 'tiny', breakpoints: ['second'] });
    await client().waitForEvent((e) => e.runId === runId && e.type === 'run.paused' && e.nodeId === 'second');
    expect(await client().call('runs.control', { runId, action: 'continue' })).toEqual({ ok: true });
    expect(await client().waitForEvent(finishedOf(runId))).toMatchObject({ status: 'succeeded' });
    await expect(client().call('runs.start', { playbookId: 'tiny', breakpoints: ['ghost'] })).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/^breakpoints: /) });
  });

  it('decides a waiting approval with runs.decide', async () => {
    const { runId } = await client().call('runs.start', { playbookId: 'approve' });
    await client().waitForEvent((e) => e.runId === runId && e.type === 'approval.requested');
    expect(await client().call('runs.decide', { runId, nodeId: 'start', decision: 'approved' })).toEqual({ ok: false });
    expect(await client().call('runs.decide', { runId, nodeId: 'ask', decision: 'approved', comment: 'go' })).toEqual({ ok: true });
    expect(await client().waitForEvent(finishedOf(runId))).toMatchObject({ status: 'succeeded', output: { blocked: true } });
    expect(eventsOf(runId).find((e) => e.type === 'approval.decided')).toMatchObject({ decision: 'approved', comment: 'go' });
  });

  it('never lets a secret reach a client: a run whose vendor echoes the credential back', async () => {
    const { runId } = await client().call('runs.start', { playbookId: 'echo' });
    const finished = await client().waitForEvent(finishedOf(runId));
    expect(finished).toMatchObject({ status: 'succeeded' });
    const call = eventsOf(runId).find((e) => e.type === 'node.succeeded' && e.nodeId === 'call') as { output: { body: { headers: Record<string, string> } } };
    expect(JSON.stringify(call.output.body.headers)).toContain('[REDACTED]');
    const stored = await client().call('runs.get', { runId });
    expect(stored.state.status).toBe('succeeded');
    expect(stored.events.length).toBe(eventsOf(runId).length);
    await client().call('credentials.list', {});
    await client().call('playbooks.get', { id: 'echo' });
    for (const frame of client().frames) expect(frame).not.toContain(CANARY);
    for (const name of fs.readdirSync(path.join(workspace(), 'runs'))) expect(fs.readFileSync(path.join(workspace(), 'runs', name), 'utf8')).not.toContain(CANARY);
    expect(fs.readFileSync(path.join(workspace(), 'vault.json'), 'utf8')).not.toContain(CANARY);
  });

  it('runs from here: re-runs a node and what follows, reusing the earlier outputs', async () => {
    const first = await client().call('runs.start', { playbookId: 'tiny', trigger: { ip: '198.51.100.9' } });
    await client().waitForEvent(finishedOf(first.runId));
    const { runId } = await client().call('runs.start', { playbookId: 'tiny', from: { runId: first.runId, nodeId: 'second' } });
    expect(await client().waitForEvent(finishedOf(runId))).toMatchObject({ status: 'succeeded', output: { seen: '198.51.100.9' } });
    expect(eventsOf(runId).find((e) => e.type === 'node.succeeded' && e.nodeId === 'first')).toMatchObject({ source: 'reused' });
    expect(eventsOf(runId).find((e) => e.type === 'node.succeeded' && e.nodeId === 'second')).not.toHaveProperty('source');
    expect(eventsOf(runId)[0]).toMatchObject({ type: 'run.started', fromRunId: first.runId, fromNodeId: 'second' });
    await expect(client().call('runs.start', { playbookId: 'tiny', from: { runId: '20990101-000000-abcdef', nodeId: 'second' } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client().call('runs.start', { playbookId: 'approve', from: { runId: first.runId, nodeId: 'ask' } })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
  });

  it('lists runs from the journal, an unfinished one without a live handle as interrupted', async () => {
    const started = { seq: 1, runId: '20200101-000000-dead01', at: Date.UTC(2020, 0, 1), type: 'run.started', playbookId: 'tiny', playbookName: 'tiny', revision: 1, mode: 'run', dryRun: false, trigger: {}, nodeIds: ['start', 'first', 'second'] };
    const ran = { seq: 2, runId: started.runId, at: started.at + 5, type: 'node.succeeded', nodeId: 'start', attempt: 1, output: {}, port: 'out', durationMs: 1 };
    fs.writeFileSync(path.join(workspace(), 'runs', `${started.runId}.jsonl`), `${JSON.stringify(started)}\n${JSON.stringify(ran)}\n`);
    const { runs } = await client().call('runs.list', {});
    expect(runs.find((r) => r.runId === started.runId)).toMatchObject({ status: 'interrupted', lastCompletedNodeId: 'start', mode: 'run' });
    expect(runs.filter((r) => r.status === 'succeeded').length).toBeGreaterThanOrEqual(6);
    expect(runs.map((r) => r.startedAt)).toEqual([...runs.map((r) => r.startedAt)].sort((a, b) => b - a));
    const approvals = await client().call('runs.list', { playbookId: 'approve' });
    expect(approvals.runs.map((r) => r.playbookId)).toEqual(['approve']);
    expect((await client().call('runs.get', { runId: started.runId })).state.status).toBe('interrupted');
    await expect(client().call('runs.get', { runId: '20990101-000000-abcdef' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('exports the file as saved, slots only, and refuses one holding a stored secret', async () => {
    const exported = await client().call('playbooks.export', { id: 'echo' });
    expect(exported.fileName).toBe('echo.playbook.json');
    expect(exported.text).toBe(fs.readFileSync(path.join(workspace(), 'playbooks', 'echo.playbook.json'), 'utf8'));
    expect(exported.text).not.toContain(CANARY);
    expect(JSON.parse(exported.text).credentials).toEqual({ api: { connector: 'http', description: 'the echo API' } });
    const leaky = chainPlaybook('leaky', [
      { id: 'start', type: 'trigger.manual@1' },
      { id: 'x', type: 'core.set@1', params: { values: { header: `Bearer ${CANARY}` } } },
    ]);
    await client().call('playbooks.save', { playbook: leaky });
    const refusal = client().call('playbooks.export', { id: 'leaky' });
    await expect(refusal).rejects.toMatchObject({ code: 'INVALID_PLAYBOOK', message: expect.stringContaining('Echo API') });
    await client().call('playbooks.delete', { id: 'leaky' });
    for (const frame of client().frames.filter((f) => f.includes('"error"'))) expect(frame).not.toContain(CANARY);
  });

  it('imports a broken file: every problem back, nothing touched', async () => {
    const before = snapshot(workspace());
    const broken = await client().call('playbooks.import', { text: '{ "format": "switchboard/playbook@1", "id": "x", "nodes": [ { "id": "A" } ], }', fileName: 'x.playbook.json' });
    expect(broken.playbook).toBeUndefined();
    expect(broken.problems.length).toBeGreaterThan(0);
    expect(broken.problems[0]).toMatchObject({ severity: 'error', line: expect.any(Number) });
    const invalid = await client().call('playbooks.import', {
      text: JSON.stringify(chainPlaybook('tiny', [{ id: 'start', type: 'trigger.manual@1' }, { id: 'y', type: 'vendor.missing@1' }])),
      fileName: 'tiny.playbook.json',
    });
    expect(invalid.problems.some((p) => p.message.includes('vendor.missing@1'))).toBe(true);
    expect(invalid.existingRevision).toBe(2);
    const shared = await client().call('playbooks.import', { text: JSON.stringify(echoPlaybook('https://echo.example')), fileName: 'echo.playbook.json' });
    expect(shared.slots).toEqual([{ slot: 'api', connector: 'http', credentialId: 'echo-api' }]);
    expect(snapshot(workspace())).toEqual(before);
  });

  it('deletes a credential and the bindings to it', async () => {
    await client().call('credentials.delete', { id: 'echo-api' });
    expect((await client().call('playbooks.get', { id: 'echo' })).slots).toEqual([{ slot: 'api', connector: 'http', credentialId: null }]);
    expect(JSON.parse(fs.readFileSync(path.join(workspace(), 'bindings.json'), 'utf8'))).toEqual({});
    await expect(client().call('credentials.delete', { id: 'echo-api' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
