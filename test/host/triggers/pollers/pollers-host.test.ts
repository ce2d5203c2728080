import { describe, expect, it } from 'vitest';
import type { RunState } from '../../../../engine/run/types.ts';
import { elasticLabCredentials } from '../../../../lab/twins/elastic.ts';
import { msgraphLabCredentials, PHISH_REPORTS_MAILBOX } from '../../../../lab/twins/msgraph.ts';
import { splunkLabCredentials } from '../../../../lab/twins/splunk.ts';
import { chainPlaybook } from '../../../support/chain-playbook.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { labControl } from '../../../support/lab-control.ts';
import { testKeyProvider } from '../../protocol/harness.ts';
import { INTERVAL_MS, usePollerHost } from './poller-host-fixture.ts';

/** One item a twin emits, as the test reads it: the vendor's id and when it says it happened. */
interface Emitted {
  id: string;
  time: string;
  raw: Record<string, unknown>;
}

/** What differs between vendors in the one scenario every poller must pass. */
interface PollerCase {
  vendor: string;
  connector: string;
  triggerType: string;
  slot: string;
  /** trigger → note { id, detail }: the playbook each event runs. */
  playbook: ReturnType<typeof chainPlaybook>;
  /** Reads the twin's emit answer into items. */
  emitted(answer: Record<string, unknown>): Emitted[];
  late: Record<string, unknown>;
  whileDown: Record<string, unknown>;
  /** A fault that breaks the poll, and the vendor's words the trigger's health must show. */
  fault: { path: string; status: number; body: unknown };
  vendorMessage: string;
  /** What must never show in health: the credential's secrets, in the forms they travel. */
  secrets: string[];
  /** What every run's `note.detail` holds for this vendor. */
  detail(value: unknown): boolean;
}

const triage = (id: string, trigger: { type: string; params?: Record<string, unknown>; slot: string; connector: string }, idPath: string, detailPath: string) =>
  chainPlaybook(
    id,
    [
      { id: 'poll', type: trigger.type, params: { intervalSeconds: 10, lookbackSeconds: 600, ...trigger.params }, credential: trigger.slot },
      { id: 'note', type: 'core.set@1', params: { values: { id: `{{ trigger.${idPath} }}`, detail: `{{ trigger.${detailPath} }}` } } },
    ],
    { credentials: { [trigger.slot]: { connector: trigger.connector } } },
  );

const elasticReason = 'unable to authenticate with provided credentials and anonymous access is not allowed for this request';
const graphReason = 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.';

const CASES: PollerCase[] = [
  {
    vendor: 'the Splunk notable poller',
    connector: 'splunk',
    triggerType: 'splunk.notable_trigger@1',
    slot: 'splunk',
    playbook: triage('notable-triage', { type: 'splunk.notable_trigger@1', slot: 'splunk', connector: 'splunk' }, 'event_id', 'rule_name'),
    emitted: (answer) => (answer.notables as Array<Record<string, string>>).map((n) => ({ id: n.event_id!, time: n._time!, raw: n })),
    late: { ageSeconds: 300, rule_name: 'Threat - Late Indexed - Rule' },
    whileDown: { rule_name: 'Access - While The Host Was Down - Rule' },
    fault: { path: '^/services/search/jobs$', status: 401, body: { messages: [{ type: 'WARN', text: 'call not properly authenticated' }] } },
    vendorMessage: 'call not properly authenticated',
    secrets: [splunkLabCredentials.token],
    detail: (value) => typeof value === 'string' && value.endsWith('Rule'),
  },
  {
    vendor: 'the Elastic detection-alerts poller',
    connector: 'elastic',
    triggerType: 'elastic.alerts_trigger@1',
    slot: 'elastic',
    playbook: triage('alert-triage', { type: 'elastic.alerts_trigger@1', slot: 'elastic', connector: 'elastic' }, '_id', '_index'),
    emitted: (answer) => (answer.alerts as Array<{ _id: string; _source: Record<string, string> }>).map((a) => ({ id: a._id, time: a._source['@timestamp']!, raw: a })),
    late: { ageSeconds: 300, rule_name: 'Late Indexed Detection' },
    whileDown: { rule_name: 'While The Host Was Down' },
    fault: { path: '_search$', status: 401, body: { error: { root_cause: [{ type: 'security_exception', reason: elasticReason }], type: 'security_exception', reason: elasticReason }, status: 401 } },
    vendorMessage: `security_exception: ${elasticReason}`,
    secrets: [elasticLabCredentials.apiKey, Buffer.from(`${elasticLabCredentials.apiKeyId}:${elasticLabCredentials.apiKey}`).toString('base64')],
    detail: (value) => value === '.alerts-security.alerts-default',
  },
  {
    vendor: 'the Graph new-messages poller on the reported-phishing mailbox',
    connector: 'msgraph',
    triggerType: 'msgraph.messages_trigger@1',
    slot: 'graph',
    playbook: triage(
      'phish-reports',
      { type: 'msgraph.messages_trigger@1', params: { userId: PHISH_REPORTS_MAILBOX.login, mailFolder: 'inbox' }, slot: 'graph', connector: 'msgraph' },
      'internetMessageId',
      'subject',
    ),
    emitted: (answer) => (answer.messages as Array<Record<string, string>>).map((m) => ({ id: m.internetMessageId!, time: m.receivedDateTime!, raw: m })),
    late: { ageSeconds: 300, reporter: 'bob@corp.example', subject: 'Delivered late' },
    whileDown: { subject: 'While the host was down' },
    fault: { path: '/messages$', status: 404, body: { error: { code: 'MailboxNotEnabledForRESTAPI', message: graphReason } } },
    vendorMessage: `MailboxNotEnabledForRESTAPI: ${graphReason}`,
    secrets: [msgraphLabCredentials.clientSecret],
    detail: (value) => typeof value === 'string' && value.startsWith('Phishing report: '),
  },
];

describe.each(CASES)('$vendor, through the real host, on the lab twin', (c) => {
  const { twin, openHost, events, settled, nextPoll, emit: emitRaw } = usePollerHost(c.connector, c.playbook);
  const emit = async (body: unknown): Promise<Emitted[]> => c.emitted(await emitRaw<Record<string, unknown>>(body));
  const playbookId = c.playbook.id;
  const keys = (items: Array<Emitted | undefined>) => items.map((item) => item!.id).sort();

  it('turns each new item into exactly one run (a late-indexed one too), absorbs duplicates, resumes from its cursor after a restart, and turns red with the vendor message when the twin breaks', async () => {
    const clock = new FakeClock({ start: Date.now(), auto: false });
    const keyProvider = testKeyProvider();
    const first = await openHost(clock, keyProvider);
    const { slots } = await first.call('playbooks.get', { id: playbookId });
    expect(slots).toEqual([{ slot: c.slot, connector: c.connector, credentialId: `lab-${c.connector}` }]);
    await first.call('triggers.enable', { playbookId });
    let health = await settled(first, 1);
    expect(health).toMatchObject({ type: c.triggerType, state: 'ok', consecutiveFailures: 0 });
    expect(await events(first.host)).toEqual([]);

    const [a, b] = await emit({ count: 2 });
    health = await nextPoll(first, clock);
    expect((await events(first.host)).map((e) => e.dedupeKey)).toEqual(expect.arrayContaining(keys([a, b])));

    const [late] = await emit(c.late);
    expect(Date.parse(late!.time)).toBeLessThan(health.lastPollAt!);
    await emit({ duplicateOf: a!.id });
    health = await nextPoll(first, clock);
    let all = await events(first.host);
    expect(all.map((e) => e.dedupeKey).sort()).toEqual(keys([a, b, late]));
    expect(health.counts).toMatchObject({ accepted: 3 });
    expect(health.counts!.skipped).toBeGreaterThanOrEqual(3);
    await first.host.close();

    const [whileDown] = await emit(c.whileDown);
    await clock.advance(INTERVAL_MS);
    const second = await openHost(clock, keyProvider);
    await settled(second, 1);
    all = await events(second.host);
    expect(all.map((e) => e.dedupeKey).sort()).toEqual(keys([a, b, late, whileDown]));
    expect(all.every((e) => e.status === 'done' && e.source === 'poll')).toBe(true);
    const runs = await Promise.all(all.map((e) => second.call('runs.get', { runId: e.runId ?? '' })));
    const notes = runs.map((run: { state: RunState }) => run.state.nodes.note?.output as { id: string; detail: unknown });
    expect(notes.map((note) => note.id).sort()).toEqual(all.map((e) => e.dedupeKey).sort());
    expect(notes.every((note) => c.detail(note.detail))).toBe(true);
    expect((await second.call('runs.list', { playbookId })).runs).toHaveLength(4);

    await labControl(twin(), '/_lab/faults', c.fault);
    health = await nextPoll(second, clock);
    if (health.state === 'ok') health = await nextPoll(second, clock);
    expect(health).toMatchObject({ state: 'failing', consecutiveFailures: 1 });
    expect(health.lastError).toContain(c.vendorMessage);
    for (const secret of c.secrets) expect(JSON.stringify(health)).not.toContain(secret);
    expect(await events(second.host)).toHaveLength(4);

    await labControl(twin(), '/_lab/reset');
    health = await nextPoll(second, clock);
    expect(health).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
    expect(health.lagMs).toBeLessThan(INTERVAL_MS * 3);
    await second.host.close();
  }, 60_000);

  it('takes each item once from a source whose clock runs five minutes ahead or behind', async () => {
    const clock = new FakeClock({ start: Date.now(), auto: false });
    const opened = await openHost(clock, testKeyProvider());
    await opened.call('triggers.enable', { playbookId });
    await settled(opened, 1);
    const [ahead] = await emit({ skewSeconds: 300 });
    const [behind] = await emit({ skewSeconds: -300 });
    expect(Date.parse(ahead!.time)).toBeGreaterThan(Date.now() + 200_000);
    await nextPoll(opened, clock);
    await nextPoll(opened, clock);
    expect((await events(opened.host)).map((e) => e.dedupeKey).sort()).toEqual(keys([ahead, behind]));
    await labControl(twin(), '/_lab/reset');
    await opened.host.close();
  }, 60_000);
});

describe('the Graph poller reads the folder it is given', () => {
  const graph = CASES[2]!;
  const { lab, openHost, settled } = usePollerHost(graph.connector, graph.playbook);

  it('asks for that mailbox folder\'s messages', async () => {
    const clock = new FakeClock({ start: Date.now(), auto: false });
    const opened = await openHost(clock, testKeyProvider());
    await opened.call('triggers.enable', { playbookId: graph.playbook.id });
    await settled(opened, 1);
    const path = `/v1.0/users/${encodeURIComponent(PHISH_REPORTS_MAILBOX.login)}/mailFolders/inbox/messages`;
    expect(lab().twins[0]!.requests.some((r) => r.method === 'GET' && r.path === path)).toBe(true);
    await opened.host.close();
  });
});
