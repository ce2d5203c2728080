import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../../../../host/host.ts';
import type { MethodName, ParamsOf, ResultOf } from '../../../../host/protocol/contract.ts';
import { dispatch } from '../../../../host/protocol/dispatch.ts';
import type { InboxEvent, TriggerHealth } from '../../../../host/triggers/contract.ts';
import type { KeyProvider } from '../../../../host/vault/key-provider.ts';
import { startLab, type Lab } from '../../../../lab/lab.ts';
import { labVendors } from '../../../../lab/vendors.ts';
import { elasticLabCredentials } from '../../../../lab/twins/elastic.ts';
import { chainPlaybook } from '../../../support/chain-playbook.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { labControl } from '../../../support/lab-control.ts';
import { useTempDir } from '../../../support/temp-dir.ts';
import { waitFor } from '../../../support/wait-for.ts';
import { testKeyProvider, writeShipped } from '../../protocol/harness.ts';

const INTERVAL_MS = 10_000;
const dir = useTempDir('switchboard-elastic-poller-');

/** Each new detection alert: note its _id and index. */
const TRIAGE = chainPlaybook(
  'alert-triage',
  [
    { id: 'alerts', type: 'elastic.alerts_trigger@1', params: { intervalSeconds: 10, lookbackSeconds: 600 }, credential: 'elastic' },
    { id: 'note', type: 'core.set@1', params: { values: { id: '{{ trigger._id }}', index: '{{ trigger._index }}' } } },
  ],
  { credentials: { elastic: { connector: 'elastic' } } },
);

let lab: Lab;
beforeAll(async () => {
  lab = await startLab(labVendors.filter((vendor) => vendor.connector.id === 'elastic'));
});
afterAll(() => lab.close());

const twin = () => ({ url: lab.twins[0]!.url, controlToken: lab.controlToken });

async function openHost(clock: FakeClock, keyProvider: KeyProvider) {
  const host = await createHost({
    workspaceDir: path.join(dir(), 'ws'),
    shippedDir: writeShipped(path.join(dir(), 'shipped'), [TRIAGE]),
    labVendors: labVendors.filter((vendor) => vendor.connector.id === 'elastic'),
    lab,
    keyProvider,
    env: {},
    pollClock: clock,
  });
  let id = 0;
  const call = async <M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> => {
    const answer = await dispatch(JSON.stringify({ id: ++id, method, params }), host.context);
    if ('error' in answer) throw new Error(answer.error.message);
    return (answer as { result: ResultOf<M> }).result;
  };
  const health = async (): Promise<TriggerHealth> => {
    const { playbooks } = await call('triggers.list', {});
    return playbooks.find((p) => p.playbookId === 'alert-triage')!.triggers[0]!;
  };
  return { host, call, health };
}

async function events(host: Host): Promise<InboxEvent[]> {
  return (await host.context.triggers.inbox.list({ playbookId: 'alert-triage' })).reverse();
}

/** Waits (real time) until `polls` polls have ended and the runs of their events have finished. */
async function settled(opened: Awaited<ReturnType<typeof openHost>>, polls: number): Promise<TriggerHealth> {
  return waitForAsync(async () => {
    const h = await opened.health();
    const ended = (h.counts?.polls ?? 0) >= polls;
    const open = (await events(opened.host)).filter((e) => !['done', 'failed', 'duplicate', 'rejected'].includes(e.status));
    return ended && open.length === 0 ? h : undefined;
  });
}

async function waitForAsync<T>(probe: () => Promise<T | undefined>): Promise<T> {
  let latest: T | undefined;
  let running = false;
  return waitFor(
    () => {
      if (!running) {
        running = true;
        void probe().then(
          (value) => ((latest = value), (running = false)),
          () => (running = false),
        );
      }
      return latest;
    },
    { timeoutMs: 20_000 },
  );
}

type EmittedAlert = { _id: string; _index: string; _source: { '@timestamp': string } };

async function emit(body: unknown): Promise<EmittedAlert[]> {
  const response = await labControl(twin(), '/_lab/emit', body);
  expect(response.status).toBe(200);
  return ((await response.json()) as { alerts: EmittedAlert[] }).alerts;
}

/** One poll more: virtual time moves one interval, then the poll and its runs are awaited. */
async function nextPoll(opened: Awaited<ReturnType<typeof openHost>>, clock: FakeClock): Promise<TriggerHealth> {
  const before = (await opened.health()).counts?.polls ?? 0;
  await clock.advance(INTERVAL_MS);
  return settled(opened, before + 1);
}

describe('the Elastic detection-alerts poller through the real host, on the lab twin', () => {
  it('turns each new detection alert into exactly one run (a late-indexed one too), absorbs duplicates, resumes from its cursor after a restart, and turns red with the vendor message when the twin breaks', async () => {
    const clock = new FakeClock({ start: Date.now(), auto: false });
    const keyProvider = testKeyProvider();
    const first = await openHost(clock, keyProvider);
    const { slots } = await first.call('playbooks.get', { id: 'alert-triage' });
    expect(slots).toEqual([{ slot: 'elastic', connector: 'elastic', credentialId: 'lab-elastic' }]);
    await first.call('triggers.enable', { playbookId: 'alert-triage' });
    let health = await settled(first, 1);
    expect(health).toMatchObject({ type: 'elastic.alerts_trigger@1', state: 'ok', consecutiveFailures: 0 });
    expect(await events(first.host)).toEqual([]);

    const [a, b] = await emit({ count: 2 });
    health = await nextPoll(first, clock);
    expect((await events(first.host)).map((e) => e.dedupeKey)).toEqual(expect.arrayContaining([a!._id, b!._id]));

    const [late] = await emit({ ageSeconds: 300, rule_name: 'Late Indexed Detection' });
    expect(Date.parse(late!._source['@timestamp'])).toBeLessThan(health.lastPollAt!);
    await emit({ duplicateOf: a!._id });
    health = await nextPoll(first, clock);
    let all = await events(first.host);
    expect(all.map((e) => e.dedupeKey).sort()).toEqual([a!._id, b!._id, late!._id].sort());
    expect(health.counts).toMatchObject({ accepted: 3 });
    expect(health.counts!.skipped).toBeGreaterThanOrEqual(3);
    await first.host.close();

    const [afterRestart] = await emit({ rule_name: 'While The Host Was Down' });
    await clock.advance(INTERVAL_MS);
    const second = await openHost(clock, keyProvider);
    await settled(second, 1);
    all = await events(second.host);
    expect(all.map((e) => e.dedupeKey).sort()).toEqual([a!._id, b!._id, late!._id, afterRestart!._id].sort());
    expect(all.every((e) => e.status === 'done' && e.source === 'poll')).toBe(true);
    const runs = await Promise.all(all.map((e) => second.call('runs.get', { runId: e.runId ?? '' })));
    expect(runs.map((run) => (run.state.nodes.note?.output as { id: string }).id).sort()).toEqual(all.map((e) => e.dedupeKey).sort());
    expect(runs.every((run) => (run.state.nodes.note?.output as { index: string }).index === '.alerts-security.alerts-default')).toBe(true);
    expect((await second.call('runs.list', { playbookId: 'alert-triage' })).runs).toHaveLength(4);

    const reason = 'unable to authenticate with provided credentials and anonymous access is not allowed for this request';
    await labControl(twin(), '/_lab/faults', { path: '_search$', status: 401, body: { error: { root_cause: [{ type: 'security_exception', reason }], type: 'security_exception', reason }, status: 401 } });
    health = await nextPoll(second, clock);
    if (health.state === 'ok') health = await nextPoll(second, clock);
    expect(health).toMatchObject({ state: 'failing', consecutiveFailures: 1 });
    expect(health.lastError).toContain(`security_exception: ${reason}`);
    expect(JSON.stringify(health)).not.toContain(elasticLabCredentials.apiKey);
    expect(JSON.stringify(health)).not.toContain(Buffer.from(`${elasticLabCredentials.apiKeyId}:${elasticLabCredentials.apiKey}`).toString('base64'));
    expect(await events(second.host)).toHaveLength(4);

    await labControl(twin(), '/_lab/reset');
    health = await nextPoll(second, clock);
    expect(health).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
    expect(health.lagMs).toBeLessThan(INTERVAL_MS * 3);
    await second.host.close();
  }, 60_000);
});
