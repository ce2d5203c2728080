import { describe, expect, it } from 'vitest';
import { splunkLabCredentials } from '../../../../lab/twins/splunk.ts';
import { chainPlaybook } from '../../../support/chain-playbook.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { labControl } from '../../../support/lab-control.ts';
import { testKeyProvider } from '../../protocol/harness.ts';
import { INTERVAL_MS, usePollerHost } from './poller-host-fixture.ts';

/** Each new notable: note its event_id and rule. */
const TRIAGE = chainPlaybook(
  'notable-triage',
  [
    { id: 'notables', type: 'splunk.notable_trigger@1', params: { intervalSeconds: 10, lookbackSeconds: 600 }, credential: 'splunk' },
    { id: 'note', type: 'core.set@1', params: { values: { id: '{{ trigger.event_id }}', rule: '{{ trigger.rule_name }}' } } },
  ],
  { credentials: { splunk: { connector: 'splunk' } } },
);

const { twin, openHost, events, settled, nextPoll, emit: emitRaw } = usePollerHost('splunk', TRIAGE);

const emit = async (body: unknown): Promise<Array<{ event_id: string; _time: string }>> => (await emitRaw<{ notables: Array<{ event_id: string; _time: string }> }>(body)).notables;

describe('the Splunk notable poller through the real host, on the lab twin', () => {
  it('turns each new notable into exactly one run (a late-indexed one too), absorbs duplicates, resumes from its cursor after a restart, and turns red with the vendor message when the twin breaks', async () => {
    const clock = new FakeClock({ start: Date.now(), auto: false });
    const keyProvider = testKeyProvider();
    const first = await openHost(clock, keyProvider);
    const { slots } = await first.call('playbooks.get', { id: 'notable-triage' });
    expect(slots).toEqual([{ slot: 'splunk', connector: 'splunk', credentialId: 'lab-splunk' }]);
    await first.call('triggers.enable', { playbookId: 'notable-triage' });
    let health = await settled(first, 1);
    expect(health).toMatchObject({ type: 'splunk.notable_trigger@1', state: 'ok', consecutiveFailures: 0 });
    expect(await events(first.host)).toEqual([]);

    const [a, b] = await emit({ count: 2 });
    health = await nextPoll(first, clock);
    expect((await events(first.host)).map((e) => e.dedupeKey)).toEqual(expect.arrayContaining([a!.event_id, b!.event_id]));

    const [late] = await emit({ ageSeconds: 300, rule_name: 'Threat - Late Indexed - Rule' });
    expect(Date.parse(late!._time)).toBeLessThan(health.lastPollAt!);
    await emit({ duplicateOf: a!.event_id });
    health = await nextPoll(first, clock);
    let all = await events(first.host);
    expect(all.map((e) => e.dedupeKey).sort()).toEqual([a!.event_id, b!.event_id, late!.event_id].sort());
    expect(health.counts).toMatchObject({ accepted: 3 });
    expect(health.counts!.skipped).toBeGreaterThanOrEqual(3);
    await first.host.close();

    const [afterRestart] = await emit({ rule_name: 'Access - While The Host Was Down - Rule' });
    await clock.advance(INTERVAL_MS);
    const second = await openHost(clock, keyProvider);
    await settled(second, 1);
    all = await events(second.host);
    expect(all.map((e) => e.dedupeKey).sort()).toEqual([a!.event_id, b!.event_id, late!.event_id, afterRestart!.event_id].sort());
    expect(all.every((e) => e.status === 'done' && e.source === 'poll')).toBe(true);
    const runs = await Promise.all(all.map((e) => second.call('runs.get', { runId: e.runId ?? '' })));
    expect(runs.map((run) => (run.state.nodes.note?.output as { id: string }).id).sort()).toEqual(all.map((e) => e.dedupeKey).sort());
    expect((await second.call('runs.list', { playbookId: 'notable-triage' })).runs).toHaveLength(4);

    await labControl(twin(), '/_lab/faults', { path: '^/services/search/jobs$', status: 401, body: { messages: [{ type: 'WARN', text: 'call not properly authenticated' }] } });
    health = await nextPoll(second, clock);
    if (health.state === 'ok') health = await nextPoll(second, clock);
    expect(health).toMatchObject({ state: 'failing', consecutiveFailures: 1 });
    expect(health.lastError).toContain('call not properly authenticated');
    expect(JSON.stringify(health)).not.toContain(splunkLabCredentials.token);
    expect(await events(second.host)).toHaveLength(4);

    await labControl(twin(), '/_lab/reset');
    health = await nextPoll(second, clock);
    expect(health).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
    expect(health.lagMs).toBeLessThan(INTERVAL_MS * 3);
    await second.host.close();
  }, 60_000);
});
