import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Playbook } from '../../../engine/format/playbook.ts';
import { systemClock } from '../../../engine/ports.ts';
import { startRun } from '../../../engine/run/executor.ts';
import type { RunEvent } from '../../../engine/run/events.ts';
import type { RunOptions } from '../../../engine/run/types.ts';
import { createBuiltinRegistry } from '../../../nodes/registry.ts';
import { destroyAgents } from '../../../nodes/sdk/http-agents.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { egressTo, sendJson, startTestServer, type TestServer } from '../../support/http-server.ts';
import { playbook } from '../../support/test-nodes.ts';

// Every core node run the way a playbook runs it: through startRun with the real registry, its
// params resolved by the executor and its output read by the next node's template.

const registry = createBuiltinRegistry();
const START = { id: 'start', type: 'trigger.manual@1' };

async function run(pb: Playbook, options: Partial<RunOptions> = {}) {
  const events: RunEvent[] = [];
  const handle = startRun({ playbook: pb, registry, clock: new FakeClock(), onEvent: (event) => void events.push(event), ...options });
  const state = await handle.done;
  return { state, events, handle };
}

/** A `core.set` that copies what a template reads, so a test sees the value a later node gets. */
const reads = (id: string, values: Record<string, unknown>) => ({ id, type: 'core.set@1', params: { values } });

describe('core triggers through the executor', () => {
  it('trigger.manual outputs the event the run started with', async () => {
    const pb = playbook([START, reads('after', { ip: '{{ nodes.start.output.ip }}' })], ['start->after']);
    const { state } = await run(pb, { trigger: { ip: '203.0.113.7' } });
    expect(state.status).toBe('succeeded');
    expect(state.nodes.start).toMatchObject({ status: 'succeeded', port: 'out', output: { ip: '203.0.113.7' } });
    expect(state.nodes.after?.output).toEqual({ ip: '203.0.113.7' });
  });

  it('trigger.webhook outputs the request event: method, headers, query and body', async () => {
    const hook = { id: 'hook', type: 'trigger.webhook@1', params: { path: 'phishing-report', method: 'POST' } };
    const pb = playbook([hook, reads('after', { reporter: '{{ nodes.hook.output.body.reporter }}', kind: '{{ trigger.headers."content-type" }}' })], ['hook->after']);
    const event = { method: 'POST', path: 'phishing-report', headers: { 'content-type': 'application/json' }, query: {}, body: { reporter: 'alice@example.com' } };
    const { state } = await run(pb, { trigger: event });
    expect(state.nodes.hook).toMatchObject({ status: 'succeeded', output: event });
    expect(state.nodes.after?.output).toEqual({ reporter: 'alice@example.com', kind: 'application/json' });
  });

  it('trigger.schedule outputs the tick event', async () => {
    const tick = { id: 'tick', type: 'trigger.schedule@1', params: { cron: '@daily' } };
    const pb = playbook([tick, reads('after', { at: '{{ nodes.tick.output.scheduledAt }}' })], ['tick->after']);
    const { state } = await run(pb, { trigger: { scheduledAt: '2026-01-01T00:00:00.000Z' } });
    expect(state.nodes.tick).toMatchObject({ status: 'succeeded', output: { scheduledAt: '2026-01-01T00:00:00.000Z' } });
    expect(state.nodes.after?.output).toEqual({ at: '2026-01-01T00:00:00.000Z' });
  });
});

describe('core control nodes through the executor', () => {
  const branches = (condition: unknown) =>
    playbook(
      [START, { id: 'check', type: 'core.condition@1', params: { condition } }, reads('yes', { took: 'true' }), reads('no', { took: 'false' })],
      ['start->check', 'check:true->yes', 'check:false->no'],
    );

  it('core.condition takes the true or false port and skips the other branch', async () => {
    const high = await run(branches('{{ trigger.severity >= 7 }}'), { trigger: { severity: 9 } });
    expect(high.state.nodes.check).toMatchObject({ status: 'succeeded', port: 'true', output: { result: true } });
    expect(high.state.nodes.yes?.status).toBe('succeeded');
    expect(high.state.nodes.no?.status).toBe('skipped');

    const low = await run(branches('{{ trigger.severity >= 7 }}'), { trigger: { severity: 2 } });
    expect(low.state.nodes.check).toMatchObject({ port: 'false', output: { result: false } });
    expect(low.state.nodes.yes?.status).toBe('skipped');
    expect(low.state.nodes.no?.status).toBe('succeeded');
  });

  it('core.condition casts a list like $boolean: an empty list goes false', async () => {
    const { state } = await run(branches('{{ trigger.hits }}'), { trigger: { hits: [] } });
    expect(state.nodes.check?.port).toBe('false');
    expect((await run(branches('{{ trigger.hits }}'), { trigger: { hits: ['x'] } })).state.nodes.check?.port).toBe('true');
  });

  it('core.switch takes the port of the matching case, else default', async () => {
    const pb = playbook(
      [
        START,
        { id: 'route', type: 'core.switch@1', params: { value: '{{ trigger.verdict }}', cases: ['malicious', 'benign'] } },
        reads('block', { action: 'block' }),
        reads('close', { action: 'close' }),
        reads('review', { action: 'review', seen: '{{ nodes.route.output.value }}' }),
      ],
      ['start->route', 'route:malicious->block', 'route:benign->close', 'route:default->review'],
    );
    const bad = await run(pb, { trigger: { verdict: 'malicious' } });
    expect(bad.state.nodes.route).toMatchObject({ status: 'succeeded', port: 'malicious', output: { value: 'malicious', case: 'malicious' } });
    expect([bad.state.nodes.block?.status, bad.state.nodes.close?.status, bad.state.nodes.review?.status]).toEqual(['succeeded', 'skipped', 'skipped']);

    const odd = await run(pb, { trigger: { verdict: 'suspicious' } });
    expect(odd.state.nodes.route?.port).toBe('default');
    expect(odd.state.nodes.review?.output).toEqual({ action: 'review', seen: 'suspicious' });
  });

  it('core.set outputs its values with templates resolved to typed values', async () => {
    const pb = playbook(
      [START, reads('shape', { summary: 'Escalating {{ trigger.host }}', severity: '{{ trigger.severity }}', nested: { ips: '{{ trigger.ips }}' } }), reads('after', { count: '{{ $count(nodes.shape.output.nested.ips) }}' })],
      ['start->shape', 'shape->after'],
    );
    const { state } = await run(pb, { trigger: { host: 'web-01', severity: 8, ips: ['a', 'b'] } });
    expect(state.nodes.shape?.output).toEqual({ summary: 'Escalating web-01', severity: 8, nested: { ips: ['a', 'b'] } });
    expect(state.nodes.after?.output).toEqual({ count: 2 });
  });

  it('core.filter keeps the items its where template holds for, seeing item and index', async () => {
    const pb = playbook(
      [
        START,
        { id: 'risky', type: 'core.filter@1', params: { items: '{{ trigger.ips }}', where: '{{ item.score > trigger.threshold }}' } },
        { id: 'all', type: 'core.filter@1', params: { items: '{{ trigger.ips }}', where: true } },
        { id: 'first', type: 'core.filter@1', params: { items: '{{ trigger.ips }}', where: '{{ index = 0 }}' } },
        reads('after', { count: '{{ nodes.risky.output.count }}', first: '{{ nodes.risky.output.items[0].ip }}' }),
      ],
      ['start->risky', 'start->all', 'start->first', 'risky->after'],
    );
    const ips = [{ ip: '203.0.113.7', score: 87 }, { ip: '198.51.100.1', score: 10 }, { ip: '192.0.2.5', score: 51 }];
    const { state } = await run(pb, { trigger: { ips, threshold: 50 } });
    expect(state.nodes.risky?.error).toBeUndefined();
    expect(state.nodes.risky).toMatchObject({ status: 'succeeded', output: { items: [ips[0], ips[2]], count: 2 } });
    expect(state.nodes.all?.output).toEqual({ items: ips, count: 3 });
    expect(state.nodes.first?.output).toEqual({ items: [ips[0]], count: 1 });
    expect(state.nodes.after?.output).toEqual({ count: 2, first: '203.0.113.7' });
    expect(state.status).toBe('succeeded');
  });

  it('core.delay waits on the run clock and outputs how long it waited', async () => {
    const clock = new FakeClock();
    const startedAt = clock.now();
    const pb = playbook([START, { id: 'wait', type: 'core.delay@1', params: { ms: '{{ trigger.ms }}' } }, reads('after', { waited: '{{ nodes.wait.output.waitedMs }}' })], ['start->wait', 'wait->after']);
    const { state } = await run(pb, { trigger: { ms: 90_000 }, clock });
    expect(state.nodes.wait).toMatchObject({ status: 'succeeded', output: { waitedMs: 90_000 } });
    expect(state.nodes.after?.output).toEqual({ waited: 90_000 });
    expect(clock.now() - startedAt).toBe(90_000);
  });

  it('core.fail fails the run with its message, or takes its error path', async () => {
    const fail = { id: 'stop', type: 'core.fail@1', params: { message: 'no owner for {{ trigger.host }}', code: 'NO_OWNER' } };
    const unhandled = await run(playbook([START, fail], ['start->stop']), { trigger: { host: 'web-01' } });
    expect(unhandled.state.status).toBe('failed');
    expect(unhandled.state.error).toMatchObject({ nodeId: 'stop', code: 'FAILED', message: 'no owner for web-01' });

    const handled = await run(playbook([START, fail, reads('notify', { why: '{{ nodes.stop.error.message }}' })], ['start->stop', 'stop:error->notify']), { trigger: { host: 'web-01' } });
    expect(handled.state.status).toBe('succeeded');
    expect(handled.state.nodes.stop).toMatchObject({ status: 'failed', port: 'error', error: { code: 'FAILED', details: { code: 'NO_OWNER' } } });
    expect(handled.state.nodes.notify?.output).toEqual({ why: 'no owner for web-01' });
  });
});

describe('core.approval through the executor', () => {
  const approvalPlaybook = () =>
    playbook(
      [
        START,
        { id: 'ask', type: 'core.approval@1', params: { prompt: 'Block {{ trigger.ip }}?', expiresInMinutes: 30, details: { ip: '{{ trigger.ip }}' } } },
        reads('block', { decision: '{{ nodes.ask.output.decision }}' }),
        reads('leave', { decision: '{{ nodes.ask.output.decision }}' }),
        reads('late', { decision: '{{ nodes.ask.output.decision }}' }),
      ],
      ['start->ask', 'ask:approved->block', 'ask:rejected->leave', 'ask:expired->late'],
    );

  it('asks with the resolved prompt and takes the path of the decision', async () => {
    for (const decision of ['approved', 'rejected'] as const) {
      const clock = new FakeClock();
      const requests: RunEvent[] = [];
      const handle = startRun({
        playbook: approvalPlaybook(),
        registry,
        clock,
        trigger: { ip: '203.0.113.7' },
        onEvent: (event) => {
          if (event.type !== 'approval.requested') return;
          requests.push(event);
          queueMicrotask(() => handle.debug.decide('ask', decision, 'alice'));
        },
      });
      const state = await handle.done;
      expect(requests).toEqual([expect.objectContaining({ nodeId: 'ask', prompt: 'Block 203.0.113.7?', details: { ip: '203.0.113.7' }, expiresAt: clock.now() + 30 * 60_000 })]);
      expect(state.nodes.ask).toMatchObject({ status: 'succeeded', port: decision, output: { decision } });
      const taken = decision === 'approved' ? 'block' : 'leave';
      expect(state.nodes[taken]?.output).toEqual({ decision });
      expect(Object.entries(state.nodes).filter(([, node]) => node.status === 'skipped').map(([id]) => id).sort()).toEqual(['block', 'late', 'leave'].filter((id) => id !== taken));
    }
  });

  it('takes the expired path when nobody decides in time', async () => {
    const clock = new FakeClock();
    const startedAt = clock.now();
    const { state } = await run(approvalPlaybook(), { clock, trigger: { ip: '203.0.113.7' } });
    expect(state.nodes.ask).toMatchObject({ port: 'expired', output: { decision: 'expired' } });
    expect(state.nodes.late?.output).toEqual({ decision: 'expired' });
    expect(clock.now() - startedAt).toBe(30 * 60_000);
  });
});

describe('core.http and core.http_get through the executor, against a loopback server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer((request, res) => {
      if (request.url.startsWith('/missing')) return sendJson(res, 404, { error: 'no such ticket' });
      sendJson(res, request.method === 'POST' ? 201 : 200, { method: request.method, url: request.url, received: request.body === '' ? null : (JSON.parse(request.body) as unknown) }, { 'x-request-id': 'req-1' });
    });
  });
  afterEach(() => void server.requests.splice(0));
  afterAll(async () => {
    await server.close();
    destroyAgents();
  });

  // The real clock: a request's deadline must not fire while the loopback server answers; the
  // egress policy lets the run reach this one server, as lab mode lets a run reach the twins.
  const live = (): Partial<RunOptions> => ({ clock: systemClock, egress: egressTo(server) });

  it('core.http sends the resolved method, body and idempotency key, and outputs status, headers and body', async () => {
    const pb = playbook(
      [
        START,
        { id: 'open', type: 'core.http@1', params: { method: 'POST', url: `${server.url}/tickets`, body: { title: 'Block {{ trigger.ip }}', ip: '{{ trigger.ip }}' } } },
        reads('after', { status: '{{ nodes.open.output.status }}', title: '{{ nodes.open.output.body.received.title }}', id: '{{ nodes.open.output.headers."x-request-id" }}' }),
      ],
      ['start->open', 'open->after'],
    );
    const { state, handle } = await run(pb, { ...live(), trigger: { ip: '203.0.113.7' } });
    expect(state.status).toBe('succeeded');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/tickets', headers: { 'idempotency-key': `${handle.runId}:open`, 'content-type': 'application/json' } });
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ title: 'Block 203.0.113.7', ip: '203.0.113.7' });
    expect(state.nodes.open).toMatchObject({ status: 'succeeded', port: 'out', output: { status: 201, body: { method: 'POST' } } });
    expect(state.nodes.after?.output).toEqual({ status: 201, title: 'Block 203.0.113.7', id: 'req-1' });
  });

  it('core.http takes its error path on a 404, once, without retrying', async () => {
    const pb = playbook(
      [START, { id: 'get', type: 'core.http@1', params: { method: 'GET', url: `${server.url}/missing/7` } }, reads('notify', { code: '{{ nodes.get.error.code }}' })],
      ['start->get', 'get:error->notify'],
    );
    const { state } = await run(pb, live());
    expect(server.requests).toHaveLength(1);
    expect(state.nodes.get).toMatchObject({ status: 'failed', port: 'error', error: { code: 'NOT_FOUND' } });
    expect(state.nodes.notify?.output).toEqual({ code: 'NOT_FOUND' });
    expect(state.status).toBe('succeeded');
  });

  it('core.http is simulated in a dry run (nothing sent) while core.http_get still reads', async () => {
    const pb = playbook(
      [
        START,
        { id: 'lookup', type: 'core.http_get@1', params: { url: `${server.url}/hosts`, query: { name: '{{ trigger.host }}', tag: ['a', 'b'] } } },
        { id: 'change', type: 'core.http@1', params: { method: 'PUT', url: `${server.url}/hosts/1`, body: { isolated: true } } },
        reads('after', { url: '{{ nodes.lookup.output.body.url }}', changed: '{{ nodes.change.output.body }}' }),
      ],
      ['start->lookup', 'lookup->change', 'change->after'],
    );
    const { state } = await run(pb, { ...live(), dryRun: true, trigger: { host: 'web-01' } });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /hosts?name=web-01&tag=a&tag=b']);
    expect(server.requests[0]?.headers['idempotency-key']).toBeUndefined();
    expect(state.nodes.lookup).toMatchObject({ status: 'succeeded', output: { status: 200, body: { method: 'GET' } } });
    expect(state.nodes.change).toMatchObject({ status: 'simulated', output: { status: 200, body: { ok: true } } });
    expect(state.nodes.after?.output).toEqual({ url: '/hosts?name=web-01&tag=a&tag=b', changed: { ok: true } });
  });

  it('a dry run reaches no loopback service and no metadata address by default, and the refusal is not retried', async () => {
    const pb = playbook(
      [
        START,
        { id: 'local', type: 'core.http_get@1', params: { url: `${server.url}/admin` } },
        { id: 'imds', type: 'core.http_get@1', params: { url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' } },
      ],
      ['start->local', 'start->imds'],
    );
    const { state, events } = await run(pb, { clock: systemClock, dryRun: true });
    expect(server.requests).toHaveLength(0);
    expect(state.nodes.local).toMatchObject({ status: 'failed', attempt: 1, error: { code: 'EGRESS_DENIED', message: expect.stringMatching(/^destination 127\.0\.0\.1:\d+ is a loopback address; denied by the egress policy/) } });
    expect(state.nodes.imds).toMatchObject({
      status: 'failed',
      attempt: 1,
      error: { code: 'EGRESS_DENIED', message: 'destination 169.254.169.254:80 is link-local; denied by the egress policy (allow it in the workspace settings: egress.allow)' },
    });
    expect(events.some((event) => event.type === 'node.retrying')).toBe(false);
  });

  it("a shared playbook's dry run cannot send a stored http token to the playbook's own URL", async () => {
    const pb = {
      ...playbook([START, { id: 'steal', type: 'core.http_get@1', credential: 'api', params: { url: `${server.url}/collect`, auth: 'bearer' } }], ['start->steal']),
      credentials: { api: { connector: 'http' } },
    };
    const credentials = { resolve: async () => ({ values: { baseUrl: 'https://api.corp.example', token: 'tok-stored-123456' }, secrets: ['tok-stored-123456'] }) };
    const { state } = await run(pb, { ...live(), dryRun: true, credentials });
    expect(server.requests).toHaveLength(0);
    expect(state.nodes.steal).toMatchObject({ status: 'failed', error: { code: 'EGRESS_DENIED', message: `http credential is bound to api.corp.example:443; not sent to ${new URL(server.url).host} (params.url)` } });
  });
});

describe('core.playbook through the executor', () => {
  const child = playbook(
    [{ id: 'in', type: 'trigger.manual@1' }, reads('verdict', { ip: '{{ trigger.ip }}', verdict: '{{ trigger.score > 50 ? "malicious" : "benign" }}' })],
    ['in->verdict'],
    { id: 'enrich-ip' },
  );
  const broken = playbook([{ id: 'in', type: 'trigger.manual@1' }, { id: 'boom', type: 'core.fail@1', params: { message: 'no data for {{ trigger.ip }}' } }], ['in->boom'], { id: 'broken' });
  const playbooks = { load: (ref: string) => (ref === 'enrich-ip' ? Promise.resolve(child) : ref === 'broken' ? Promise.resolve(broken) : Promise.reject(new Error(`no playbook ${ref}`))) };

  it('runs the child with the resolved input and outputs the child run’s output', async () => {
    const pb = playbook(
      [START, { id: 'enrich', type: 'core.playbook@1', params: { playbook: 'enrich-ip', input: { ip: '{{ trigger.ip }}', score: '{{ trigger.score }}' } } }, reads('after', { verdict: '{{ nodes.enrich.output.verdict }}' })],
      ['start->enrich', 'enrich->after'],
    );
    const { state } = await run(pb, { playbooks, trigger: { ip: '203.0.113.7', score: 87 } });
    expect(state.nodes.enrich).toMatchObject({ status: 'succeeded', port: 'out', input: { playbook: 'enrich-ip', input: { ip: '203.0.113.7', score: 87 } }, output: { ip: '203.0.113.7', verdict: 'malicious' } });
    expect(state.nodes.after?.output).toEqual({ verdict: 'malicious' });
  });

  it('runs once per item with forEach, outputting the list of child outputs', async () => {
    const pb = playbook(
      [START, { id: 'enrich', type: 'core.playbook@1', forEach: '{{ trigger.ips }}', params: { playbook: 'enrich-ip', input: { ip: '{{ item.ip }}', score: '{{ item.score }}' } } }],
      ['start->enrich'],
    );
    const { state } = await run(pb, { playbooks, trigger: { ips: [{ ip: 'a', score: 90 }, { ip: 'b', score: 5 }] } });
    expect(state.nodes.enrich?.output).toEqual([
      { ip: 'a', verdict: 'malicious' },
      { ip: 'b', verdict: 'benign' },
    ]);
  });

  it('fails, or takes its error path, when the child run fails, naming the child node', async () => {
    const pb = playbook(
      [START, { id: 'enrich', type: 'core.playbook@1', params: { playbook: 'broken', input: { ip: '{{ trigger.ip }}' } } }, reads('notify', { why: '{{ nodes.enrich.error.message }}' })],
      ['start->enrich', 'enrich:error->notify'],
    );
    const { state } = await run(pb, { playbooks, trigger: { ip: '203.0.113.7' } });
    expect(state.nodes.enrich).toMatchObject({ status: 'failed', port: 'error', error: { code: 'FAILED' } });
    expect(state.nodes.notify?.output).toEqual({ why: 'sub-playbook broken failed at boom: no data for 203.0.113.7' });
  });
});
