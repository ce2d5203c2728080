import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHost, type Host, type HostOptions } from '../../../host/host.ts';
import { createJournalStore } from '../../../host/journal/journal-store.ts';
import { dispatch } from '../../../host/protocol/dispatch.ts';
import type { EventFrame, MethodName, ParamsOf, ResultOf } from '../../../host/protocol/contract.ts';
import type { InboxEvent, LiveTrigger, TriggerSource } from '../../../host/triggers/contract.ts';
import { openInboxStore } from '../../../host/triggers/inbox-store.ts';
import { openPublishState } from '../../../host/triggers/publish-state.ts';
import { environmentKeyProvider } from '../../../host/vault/key-provider.ts';
import { chainPlaybook } from '../../support/chain-playbook.ts';
import { hookPlaybook } from '../../support/hook-playbook.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { waitFor } from '../../support/wait-for.ts';
import { testKeyProvider, writeShipped } from '../protocol/harness.ts';

const dir = useTempDir('switchboard-dispatch-');

/** A webhook playbook whose run waits on an approval, so it stays live until decided. */
const WAITS = chainPlaybook('waits', [
  { id: 'hook', type: 'trigger.webhook@1', params: { path: 'waits', verification: { type: 'none' } } },
  { id: 'ask', type: 'core.approval@1', params: { prompt: 'go?' } },
]);

/** A trigger source that only remembers what it was told (the real ones are tested on their own). */
function recordingSource(): TriggerSource & { told: LiveTrigger[][] } {
  const told: LiveTrigger[][] = [];
  return { types: ['trigger.webhook@1'], told, sync: async (t) => void told.push([...t]), health: () => [], close: async () => undefined };
}

async function openHost(options: Partial<HostOptions> = {}) {
  const source = recordingSource();
  const host = await createHost({
    workspaceDir: path.join(dir(), 'ws'),
    shippedDir: writeShipped(path.join(dir(), 'shipped'), [hookPlaybook('login'), WAITS]),
    keyProvider: testKeyProvider(),
    env: {},
    triggerSources: () => [source],
    ...options,
  });
  const frames: EventFrame[] = [];
  host.subscribe((frame) => frames.push(frame));
  let id = 0;
  const call = async <M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> => {
    const answer = await dispatch(JSON.stringify({ id: ++id, method, params }), host.context);
    if ('error' in answer) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
    return (answer as { result: ResultOf<M> }).result;
  };
  return { host, source, frames, call };
}

/** Accepts a webhook event for `playbookId` as the listener would. */
async function deliver(host: Host, playbookId: string, body: unknown, dedupeKey?: string): Promise<InboxEvent> {
  const { event } = await host.context.triggers.inbox.accept({
    playbookId,
    revision: host.context.triggers.live().find((t) => t.playbookId === playbookId)?.revision ?? 0,
    triggerNodeId: 'hook',
    source: 'webhook',
    receivedAt: Date.now(),
    payload: { body },
    ...(dedupeKey !== undefined ? { dedupeKey } : {}),
  });
  return event;
}

async function settled(host: Host, eventId: string): Promise<InboxEvent> {
  let last: InboxEvent | undefined;
  for (let i = 0; i < 500; i++) {
    last = await host.context.triggers.inbox.get(eventId);
    if (last && ['done', 'failed', 'rejected', 'duplicate'].includes(last.status)) return last;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`event ${eventId} is still ${last?.status}`);
}

describe('the dispatcher, through the real host', () => {
  it('runs an enabled playbook once per event, records the run on the event and pushes every change live', async () => {
    const { host, source, frames, call } = await openHost();
    expect(source.told).toEqual([[]]);
    expect(await call('triggers.enable', { playbookId: 'login' })).toEqual({ enabled: true, publishedRevision: 0 });
    expect(source.told.at(-1)).toMatchObject([{ playbookId: 'login', triggerNodeId: 'hook', revision: 0 }]);
    const event = await deliver(host, 'login', { user: 'alice' }, 'delivery-1');
    const again = await deliver(host, 'login', { user: 'alice' }, 'delivery-1');
    const done = await settled(host, event.id);
    expect(done).toMatchObject({ status: 'done', duplicates: 1 });
    expect(again.status).toBe('duplicate');
    const { state } = await call('runs.get', { runId: done.runId! });
    expect(state.trigger).toEqual({ body: { user: 'alice' }, eventId: event.id });
    expect(state.nodes['note']?.output).toEqual({ got: { user: 'alice' } });
    expect((await call('runs.list', { playbookId: 'login' })).runs).toHaveLength(1);
    const pushed = frames.filter((f) => f.event === 'inbox.event').map((f) => f.payload as InboxEvent);
    expect(pushed.filter((e) => e.id === again.id).map((e) => e.status)).toEqual(['duplicate']);
    expect([...new Set(pushed.filter((e) => e.id === event.id).map((e) => e.status))]).toEqual(['accepted', 'queued', 'running', 'done']);
    await host.close();
  });

  it('runs the published revision while a draft is saved, and stops firing on disable and delete in the same call', async () => {
    const { host, source, call } = await openHost();
    await call('triggers.enable', { playbookId: 'login' });
    const draft = hookPlaybook('login', 'renamed');
    await call('playbooks.save', { playbook: draft, expectedRevision: 0 });
    expect(source.told.at(-1)).toMatchObject([{ revision: 0, params: { path: 'login' } }]);
    const list = await call('triggers.list', {});
    expect(list.playbooks.find((p) => p.playbookId === 'login')).toMatchObject({ enabled: true, publishedRevision: 0, savedRevision: 1, draft: true });
    await call('triggers.publish', { playbookId: 'login' });
    expect(source.told.at(-1)).toMatchObject([{ revision: 1, params: { path: 'renamed' } }]);
    await call('triggers.disable', { playbookId: 'login' });
    expect(source.told.at(-1)).toEqual([]);
    const late = await deliver(host, 'login', { n: 1 });
    expect(await settled(host, late.id)).toMatchObject({ status: 'rejected', error: 'playbook login was disabled or deleted before the event ran' });
    await call('triggers.enable', { playbookId: 'login' });
    expect(source.told.at(-1)).toHaveLength(1);
    await call('playbooks.delete', { id: 'login' });
    expect(source.told.at(-1)).toEqual([]);
    expect(fs.existsSync(path.join(dir(), 'ws', 'published', 'login.playbook.json'))).toBe(false);
    await host.close();
  });

  it('tells the sources within a second when another process (the CLI) enables or disables a playbook', async () => {
    const { host, source } = await openHost();
    const cli = await openPublishState(host.context.workspace, host.context.registry);
    await cli.enable('login');
    await waitFor(() => (source.told.at(-1)?.length === 1 ? true : undefined), { timeoutMs: 3_000 });
    await cli.disable('login');
    await waitFor(() => (source.told.at(-1)?.length === 0 ? true : undefined), { timeoutMs: 3_000 });
    await host.close();
  });

  it('keeps events queued while the live-run cap is full and starts them as runs end, none dropped', async () => {
    const { host, call } = await openHost({ maxLiveRuns: 1 });
    await call('triggers.enable', { playbookId: 'waits' });
    const events = [await deliver(host, 'waits', { n: 1 }), await deliver(host, 'waits', { n: 2 }), await deliver(host, 'waits', { n: 3 })];
    const first = await waitFor(() => (host.context.runs.liveRunIds().length === 1 ? host.context.runs.liveRunIds()[0] : undefined));
    const statuses = async () => Promise.all(events.map(async (e) => (await host.context.triggers.inbox.get(e.id))!.status));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await statuses()).toEqual(['running', 'queued', 'queued']);
    for (let i = 0; i < 3; i++) {
      const runId = i === 0 ? first : await waitFor(() => host.context.runs.liveRunIds()[0]);
      await waitFor(async () => ((await host.context.runs.decide({ runId, nodeId: 'ask', decision: 'approved' })).ok ? true : undefined));
      await settled(host, events[i]!.id);
    }
    expect(await statuses()).toEqual(['done', 'done', 'done']);
    await host.close();
  });

  it('starts a waiting event once a run the editor started frees the last slot', async () => {
    const { host, call } = await openHost({ maxLiveRuns: 1 });
    await call('triggers.enable', { playbookId: 'waits' });
    const { runId: manual } = await call('runs.start', { playbookId: 'waits', trigger: { body: {} } });
    const event = await deliver(host, 'waits', { n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await host.context.triggers.inbox.get(event.id))?.status).toBe('queued');
    await waitFor(async () => ((await host.context.runs.decide({ runId: manual, nodeId: 'ask', decision: 'approved' })).ok ? true : undefined));
    const runId = await waitFor(() => host.context.runs.liveRunIds().find((id) => id !== manual), { timeoutMs: 3_000 });
    expect((await host.context.triggers.inbox.get(event.id))?.runId).toBe(runId);
    await host.close();
  });

  it('records the events of runs a closing host stopped as failed', async () => {
    const { host, call } = await openHost();
    await call('triggers.enable', { playbookId: 'waits' });
    const event = await deliver(host, 'waits', { n: 1 });
    await waitFor(() => host.context.runs.liveRunIds()[0]);
    await host.close();
    const inbox = await openInboxStore(path.join(dir(), 'ws'));
    const stored = await inbox.get(event.id);
    expect(stored).toMatchObject({ status: 'failed', error: `run ${stored?.runId} cancelled` });
    await inbox.close();
  });

  it('replays an event as a new event of the same revision and payload, run once', async () => {
    const { host, call } = await openHost();
    await call('triggers.enable', { playbookId: 'login' });
    const original = await settled(host, (await deliver(host, 'login', { user: 'bob' })).id);
    const { event } = await call('events.replay', { eventId: original.id });
    expect(event).toMatchObject({ source: 'replay', replayOf: original.id, revision: 0, payload: { body: { user: 'bob' } } });
    const replayed = await settled(host, event.id);
    expect(replayed.status).toBe('done');
    expect(replayed.runId).not.toBe(original.runId);
    expect((await call('events.list', { filter: { playbookId: 'login' } })).events.map((e) => e.id)).toEqual([event.id, original.id]);
    expect((await call('events.get', { eventId: event.id })).event.status).toBe('done');
    await expect(call('events.get', { eventId: 'evt-none' })).rejects.toThrow('no event evt-none in the inbox');
    await host.close();
  });

  it('runs every acknowledged event exactly once after the host is killed -9 mid-burst', async () => {
    const key = randomBytes(32).toString('base64');
    const keyProvider = environmentKeyProvider({ SWITCHBOARD_VAULT_KEY: key });
    const seeded = await openHost({ keyProvider });
    await seeded.call('triggers.enable', { playbookId: 'login' });
    await seeded.host.close();

    const workspace = path.join(dir(), 'ws');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'host-child.ts'), workspace, '3000', '20'], {
      env: { ...process.env, SWITCHBOARD_VAULT_KEY: key },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acknowledged: string[] = [];
    let rest = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line.startsWith('ACC ')) acknowledged.push(line.slice(4));
      if (acknowledged.length >= 800) child.kill('SIGKILL');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const [, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    clearTimeout(timer);
    expect(signal, stderr.slice(0, 500)).toBe('SIGKILL');

    const { host } = await openHost({ keyProvider });
    const inbox = host.context.triggers.inbox;
    for (let i = 0; i < 3000 && (await inbox.unfinished()).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const events = await inbox.list({ limit: 100_000 });
    const byId = new Map(events.map((e) => [e.id, e]));
    expect(acknowledged.filter((id) => !byId.has(id))).toEqual([]);
    expect(events.filter((e) => e.status !== 'done').map((e) => `${e.id} ${e.status} ${e.error ?? ''}`)).toEqual([]);
    const runIds = await fs.promises.readdir(path.join(workspace, 'runs'));
    const journals = runIds.filter((name) => name.endsWith('.jsonl')).map((name) => name.slice(0, -'.jsonl'.length));
    const firstAttempts = journals.filter((id) => !/-r\d+$/.test(id));
    expect(firstAttempts.sort()).toEqual(events.map((e) => e.runId!).sort());
    expect(new Set(events.map((e) => e.runId)).size).toBe(events.length);
    await host.close();
  }, 120_000);

  it('takes up what a crash left on start: queued events, a claimed event whose run never started, an interrupted run', async () => {
    const keyProvider = testKeyProvider();
    const first = await openHost({ keyProvider });
    await first.call('triggers.enable', { playbookId: 'login' });
    const finished = await settled(first.host, (await deliver(first.host, 'login', { n: 0 })).id);
    await first.host.close();

    // The crash, written as the inbox and the journal would hold it.
    const root = path.join(dir(), 'ws');
    const journal = createJournalStore(root);
    const runFile = journal.journalPath(finished.runId!);
    const lines = fs.readFileSync(runFile, 'utf8').trimEnd().split('\n');
    const cut = lines.findIndex((line) => line.includes('"node.succeeded"') && line.includes('"hook"'));
    expect(cut).toBeGreaterThan(0);
    const inbox = await openInboxStore(root);
    const input = { playbookId: 'login', revision: 0, triggerNodeId: 'hook', source: 'webhook' as const, receivedAt: Date.now() };
    const claimed = (await inbox.accept({ ...input, payload: { body: { n: 2 } } })).event;
    await inbox.enqueue(claimed.id);
    await inbox.claim(() => '20260101-000000-aaaaaa');
    const interrupted = (await inbox.accept({ ...input, payload: { body: { n: 3 } } })).event;
    await inbox.enqueue(interrupted.id);
    const interruptedRun = '20260101-000000-bbbbbb';
    await inbox.claim(() => interruptedRun);
    const queued = (await inbox.accept({ ...input, payload: { body: { n: 1 } } })).event;
    await inbox.enqueue(queued.id);
    fs.writeFileSync(journal.journalPath(interruptedRun), lines.slice(0, cut + 1).join('\n').replaceAll(finished.runId!, interruptedRun) + '\n');
    fs.copyFileSync(path.join(root, 'runs', `${finished.runId}.run.json`), path.join(root, 'runs', `${interruptedRun}.run.json`));
    await inbox.close();

    const second = await openHost({ keyProvider });
    const outcomes = await Promise.all([queued, claimed, interrupted].map((e) => settled(second.host, e.id)));
    expect(outcomes.map((e) => e.status)).toEqual(['done', 'done', 'done']);
    expect(outcomes[1]!.runId).toBe('20260101-000000-aaaaaa');
    const resumed = await second.call('runs.get', { runId: `${interruptedRun}-r1` });
    expect(resumed.state.status).toBe('succeeded');
    expect(resumed.state.nodes['hook']?.source).toBe('reused');
    expect(resumed.state.nodes['note']?.output).toEqual({ got: { n: 0 } });
    const runs = (await second.call('runs.list', { playbookId: 'login' })).runs.map((r) => r.runId);
    expect(runs.filter((r) => r.startsWith('20260101-000000-aaaaaa'))).toEqual(['20260101-000000-aaaaaa']);
    expect(runs.filter((r) => r.startsWith(interruptedRun)).sort()).toEqual([interruptedRun, `${interruptedRun}-r1`]);
    await second.host.close();
  });
});
