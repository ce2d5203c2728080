import { describe, expect, it } from 'vitest';
import { msgraphLabCredentials, PHISH_REPORTS_MAILBOX } from '../../../../lab/twins/msgraph.ts';
import { chainPlaybook } from '../../../support/chain-playbook.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { labControl } from '../../../support/lab-control.ts';
import { testKeyProvider } from '../../protocol/harness.ts';
import { INTERVAL_MS, usePollerHost } from './poller-host-fixture.ts';

/** Each reported message: note its internetMessageId and subject. */
const TRIAGE = chainPlaybook(
  'phish-reports',
  [
    { id: 'reports', type: 'msgraph.messages_trigger@1', params: { intervalSeconds: 10, lookbackSeconds: 600, userId: PHISH_REPORTS_MAILBOX.login, mailFolder: 'inbox' }, credential: 'graph' },
    { id: 'note', type: 'core.set@1', params: { values: { id: '{{ trigger.internetMessageId }}', subject: '{{ trigger.subject }}' } } },
  ],
  { credentials: { graph: { connector: 'msgraph' } } },
);

const { lab, twin, openHost, events, settled, nextPoll, emit: emitRaw } = usePollerHost('msgraph', TRIAGE);

type Reported = { id: string; internetMessageId: string; receivedDateTime: string; subject: string };

const emit = async (body: unknown): Promise<Reported[]> => (await emitRaw<{ messages: Reported[] }>(body)).messages;

describe('the Graph new-messages poller on the reported-phishing mailbox, through the real host, on the lab twin', () => {
  it('turns each reported message into exactly one run (a late-indexed one too), absorbs duplicates, resumes from its cursor after a restart, and turns red with the vendor message when the twin breaks', async () => {
    const clock = new FakeClock({ start: Date.now(), auto: false });
    const keyProvider = testKeyProvider();
    const first = await openHost(clock, keyProvider);
    const { slots } = await first.call('playbooks.get', { id: 'phish-reports' });
    expect(slots).toEqual([{ slot: 'graph', connector: 'msgraph', credentialId: 'lab-msgraph' }]);
    await first.call('triggers.enable', { playbookId: 'phish-reports' });
    let health = await settled(first, 1);
    expect(health).toMatchObject({ type: 'msgraph.messages_trigger@1', state: 'ok', consecutiveFailures: 0 });
    expect(await events(first.host)).toEqual([]);

    const [a, b] = await emit({ count: 2 });
    health = await nextPoll(first, clock);
    expect((await events(first.host)).map((e) => e.dedupeKey)).toEqual(expect.arrayContaining([a!.internetMessageId, b!.internetMessageId]));
    expect(lab().twins[0]!.requests.some((r) => r.method === 'GET' && r.path === `/v1.0/users/${encodeURIComponent(PHISH_REPORTS_MAILBOX.login)}/mailFolders/inbox/messages`)).toBe(true);

    const [late] = await emit({ ageSeconds: 300, reporter: 'bob@corp.example', subject: 'Delivered late' });
    expect(Date.parse(late!.receivedDateTime)).toBeLessThan(health.lastPollAt!);
    const [copy] = await emit({ duplicateOf: a!.internetMessageId });
    expect(copy!.id).not.toBe(a!.id);
    health = await nextPoll(first, clock);
    let all = await events(first.host);
    expect(all.map((e) => e.dedupeKey).sort()).toEqual([a!.internetMessageId, b!.internetMessageId, late!.internetMessageId].sort());
    expect(health.counts).toMatchObject({ accepted: 3 });
    expect(health.counts!.skipped).toBeGreaterThanOrEqual(3);
    await first.host.close();

    const [afterRestart] = await emit({ subject: 'While the host was down' });
    await clock.advance(INTERVAL_MS);
    const second = await openHost(clock, keyProvider);
    await settled(second, 1);
    all = await events(second.host);
    expect(all.map((e) => e.dedupeKey).sort()).toEqual([a!.internetMessageId, b!.internetMessageId, late!.internetMessageId, afterRestart!.internetMessageId].sort());
    expect(all.every((e) => e.status === 'done' && e.source === 'poll')).toBe(true);
    const runs = await Promise.all(all.map((e) => second.call('runs.get', { runId: e.runId ?? '' })));
    expect(runs.map((run) => (run.state.nodes.note?.output as { id: string }).id).sort()).toEqual(all.map((e) => e.dedupeKey).sort());
    expect(runs.every((run) => (run.state.nodes.note?.output as { subject: string }).subject.startsWith('Phishing report: '))).toBe(true);
    expect((await second.call('runs.list', { playbookId: 'phish-reports' })).runs).toHaveLength(4);

    const reason = 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.';
    await labControl(twin(), '/_lab/faults', { path: '/messages$', status: 404, body: { error: { code: 'MailboxNotEnabledForRESTAPI', message: reason } } });
    health = await nextPoll(second, clock);
    if (health.state === 'ok') health = await nextPoll(second, clock);
    expect(health).toMatchObject({ state: 'failing', consecutiveFailures: 1 });
    expect(health.lastError).toContain(`MailboxNotEnabledForRESTAPI: ${reason}`);
    expect(JSON.stringify(health)).not.toContain(msgraphLabCredentials.clientSecret);
    expect(await events(second.host)).toHaveLength(4);

    await labControl(twin(), '/_lab/reset');
    health = await nextPoll(second, clock);
    expect(health).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
    expect(health.lagMs).toBeLessThan(INTERVAL_MS * 3);
    await second.host.close();
  }, 60_000);
});
