import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunState } from '../../../../engine/run/types.ts';
import { chainPlaybook } from '../../../support/chain-playbook.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { testKeyProvider } from '../../protocol/harness.ts';
import { INTERVAL_MS, usePollerHost } from './poller-host-fixture.ts';

/** One alert of the loopback API. */
interface Alert {
  id: string;
  created: string;
  title: string;
}

const TOKEN = 'sb-test-http-poll-token-7f3a9c1e';

/**
 * A small alerts API on 127.0.0.1: `GET /api/alerts?since=<ISO>` answers `{ alerts }` created at or
 * after `since`, oldest first; it asks for a bearer token when given one, and a fault makes it answer 500.
 */
function useAlertsApi(token: string | undefined) {
  const alerts: Alert[] = [];
  const requests: Array<{ since: string | null; authorization: string | undefined }> = [];
  let fault: { status: number; body: unknown } | undefined;
  let serial = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const since = url.searchParams.get('since');
    requests.push({ since, authorization: req.headers.authorization });
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (fault !== undefined) return answer(fault.status, fault.body);
    if (token !== undefined && req.headers.authorization !== `Bearer ${token}`) return answer(401, { error: { message: 'invalid token' } });
    if (req.method !== 'GET' || url.pathname !== '/api/alerts') return answer(404, { error: { message: 'no such endpoint' } });
    const list = alerts.filter((a) => since === null || a.created >= since).sort((a, b) => a.created.localeCompare(b.created));
    return answer(200, { alerts: list, count: list.length });
  });
  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  return {
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hostPort: () => `127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    /** New alerts created now (or `ageSeconds` ago); `duplicateOf` serves another copy of an id, created now. */
    emit(count: number, options: { duplicateOf?: string } = {}): Alert[] {
      const made = Array.from({ length: count }, (): Alert => {
        serial += 1;
        return { id: options.duplicateOf ?? `ALR-${1000 + serial}`, created: new Date(Date.now() + serial).toISOString(), title: `Impossible travel #${serial}` };
      });
      alerts.push(...made);
      return made;
    },
    breaks: (status: number, body: unknown) => void (fault = { status, body }),
    heals: () => void (fault = undefined),
  };
}

const pollParams = (extra: Record<string, unknown>) => ({
  intervalSeconds: 10,
  lookbackSeconds: 600,
  cursorParam: 'since',
  items: 'alerts',
  cursor: 'alerts[-1].created',
  dedupeField: 'id',
  ...extra,
});

const note = { id: 'note', type: 'core.set@1', params: { values: { id: '{{ trigger.id }}', title: '{{ trigger.title }}' } } };

describe('the generic HTTP poller, through the real host, on a loopback API with a bearer credential', () => {
  const api = useAlertsApi(TOKEN);
  const playbook = chainPlaybook(
    'http-alerts',
    [{ id: 'poll', type: 'core.http_poll_trigger@1', params: {}, credential: 'api' }, note],
    { credentials: { api: { connector: 'http' } } },
  );
  const { openHost, events, settled, nextPoll } = usePollerHost('http', playbook);

  it('turns each new item into exactly one run, absorbs duplicates, sends the cursor it committed (after a restart too), and turns red with the API message on a 500', async () => {
    playbook.nodes[0]!.params = pollParams({ url: `${api.url()}/api/alerts`, auth: 'bearer' });
    const clock = new FakeClock({ start: Date.now(), auto: false });
    const keyProvider = testKeyProvider();
    const first = await openHost(clock, keyProvider);
    await first.call('settings.save', { egress: { allow: [api.hostPort()] } });
    const { credential } = await first.call('credentials.save', { name: 'Alerts API', connector: 'http', values: { baseUrl: api.url(), token: TOKEN } });
    await first.call('playbooks.bind', { playbookId: playbook.id, slot: 'api', credentialId: credential.id });
    await first.call('triggers.enable', { playbookId: playbook.id });
    let health = await settled(first, 1);
    expect(health).toMatchObject({ type: 'core.http_poll_trigger@1', state: 'ok', consecutiveFailures: 0 });
    expect(health.describe).toBe(`GET ${api.url()}/api/alerts every 10 s, look-back 600 s`);
    expect(await events(first.host)).toEqual([]);
    const firstSince = api.requests.at(-1)!.since!;
    expect(Date.parse(firstSince)).toBe(health.lastPollAt! - 600_000);
    expect(api.requests.at(-1)!.authorization).toBe(`Bearer ${TOKEN}`);

    const [a, b] = api.emit(2);
    await nextPoll(first, clock);
    expect(api.requests.at(-1)!.since).toBe(firstSince);
    expect((await events(first.host)).map((e) => e.dedupeKey)).toEqual([a!.id, b!.id]);

    api.emit(1, { duplicateOf: a!.id });
    const [c] = api.emit(1);
    health = await nextPoll(first, clock);
    expect(api.requests.at(-1)!.since).toBe(b!.created);
    let all = await events(first.host);
    expect(all.map((e) => e.dedupeKey)).toEqual([a!.id, b!.id, c!.id]);
    expect(health.counts).toMatchObject({ accepted: 3 });
    expect(health.counts!.skipped).toBeGreaterThanOrEqual(2);
    await first.host.close();

    const [whileDown] = api.emit(1);
    await clock.advance(INTERVAL_MS);
    const second = await openHost(clock, keyProvider);
    await settled(second, 1);
    expect(api.requests.at(-1)!.since).toBe(c!.created);
    all = await events(second.host);
    expect(all.map((e) => e.dedupeKey)).toEqual([a!.id, b!.id, c!.id, whileDown!.id]);
    expect(all.every((e) => e.status === 'done' && e.source === 'poll')).toBe(true);
    const runs = await Promise.all(all.map((e) => second.call('runs.get', { runId: e.runId ?? '' })));
    const notes = runs.map((run: { state: RunState }) => run.state.nodes.note?.output as { id: string; title: string });
    expect(notes.map((n) => n.id)).toEqual(all.map((e) => e.dedupeKey));
    expect(notes.every((n) => n.title.startsWith('Impossible travel #'))).toBe(true);
    expect((await second.call('runs.list', { playbookId: playbook.id })).runs).toHaveLength(4);
    expect((await nextPoll(second, clock)).state).toBe('ok');
    expect(api.requests.at(-1)!.since).toBe(whileDown!.created);

    api.breaks(500, { error: { message: 'alert index unavailable' } });
    health = await nextPoll(second, clock);
    if (health.state === 'ok') health = await nextPoll(second, clock);
    expect(health).toMatchObject({ state: 'failing', consecutiveFailures: 1 });
    expect(health.lastError).toContain(`${api.hostPort()} 500 alert index unavailable`);
    expect(JSON.stringify(health)).not.toContain(TOKEN);
    expect(JSON.stringify(await events(second.host))).not.toContain(TOKEN);
    expect(await events(second.host)).toHaveLength(4);

    api.heals();
    health = await nextPoll(second, clock);
    expect(health).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
    await second.host.close();
  }, 60_000);
});

describe('the generic HTTP poller with no credential', () => {
  const api = useAlertsApi(undefined);
  const playbook = chainPlaybook('http-open-alerts', [{ id: 'poll', type: 'core.http_poll_trigger@1', params: {} }, note]);
  const { openHost, events, settled, nextPoll } = usePollerHost('http', playbook);

  it('polls without one, only once the workspace allows the loopback address, and sends the window start when there is no cursor expression', async () => {
    playbook.nodes[0]!.params = pollParams({ url: `${api.url()}/api/alerts`, cursor: undefined });
    const clock = new FakeClock({ start: Date.now(), auto: false });
    const opened = await openHost(clock, testKeyProvider());
    await opened.call('triggers.enable', { playbookId: playbook.id });
    let health = await settled(opened, 1);
    expect(health.state).toBe('failing');
    expect(health.lastError).toContain(`destination ${api.hostPort()} is a loopback address; denied by the egress policy`);
    expect(api.requests).toHaveLength(0);

    await opened.call('settings.save', { egress: { allow: [api.hostPort()] } });
    const [a] = api.emit(1);
    health = await nextPoll(opened, clock);
    expect(health).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
    expect(api.requests.at(-1)).toEqual({ since: new Date(health.lastPollAt! - 600_000).toISOString(), authorization: undefined });
    expect((await events(opened.host)).map((e) => e.dedupeKey)).toEqual([a!.id]);
    await opened.host.close();
  }, 30_000);
});
