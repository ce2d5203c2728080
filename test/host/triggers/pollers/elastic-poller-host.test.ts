import { describe, expect, it } from 'vitest';
import { elasticLabCredentials } from '../../../../lab/twins/elastic.ts';
import { chainPlaybook } from '../../../support/chain-playbook.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { labControl } from '../../../support/lab-control.ts';
import { testKeyProvider } from '../../protocol/harness.ts';
import { INTERVAL_MS, usePollerHost } from './poller-host-fixture.ts';

/** Each new detection alert: note its _id and index. */
const TRIAGE = chainPlaybook(
  'alert-triage',
  [
    { id: 'alerts', type: 'elastic.alerts_trigger@1', params: { intervalSeconds: 10, lookbackSeconds: 600 }, credential: 'elastic' },
    { id: 'note', type: 'core.set@1', params: { values: { id: '{{ trigger._id }}', index: '{{ trigger._index }}' } } },
  ],
  { credentials: { elastic: { connector: 'elastic' } } },
);

const { twin, openHost, events, settled, nextPoll, emit: emitRaw } = usePollerHost('elastic', TRIAGE);

type EmittedAlert = { _id: string; _index: string; _source: { '@timestamp': string } };

const emit = async (body: unknown): Promise<EmittedAlert[]> => (await emitRaw<{ alerts: EmittedAlert[] }>(body)).alerts;

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
