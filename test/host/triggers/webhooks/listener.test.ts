import crypto from 'node:crypto';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventInbox, LiveTrigger } from '../../../../host/triggers/contract.ts';
import { createWebhookSource } from '../../../../host/triggers/webhooks/listener.ts';
import type { WebhookSource } from '../../../../host/triggers/webhooks/listener.ts';
import { createMemoryInbox } from '../../../support/memory-inbox.ts';

const SECRET = `whsec_${Buffer.from('a-test-signing-key-of-32-bytes!!').toString('base64')}`;
const T0 = Date.UTC(2026, 0, 1, 12);

function trigger(path: string, params: Record<string, unknown> = {}, playbookId = 'suspicious-login'): LiveTrigger {
  return { playbookId, revision: 3, triggerNodeId: 'hook', type: 'trigger.webhook@1', params: { path, ...params }, credential: 'hook_secret' };
}

/** Signs as a Standard Webhooks sender does. */
function signed(body: string, id = 'msg_1', at = T0, secret = SECRET): Record<string, string> {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const timestamp = String(Math.floor(at / 1000));
  const signature = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

let source: WebhookSource | undefined;
afterEach(async () => {
  await source?.close();
  source = undefined;
});

async function start(triggers: LiveTrigger[], inbox: EventInbox = createMemoryInbox({ clock: { now: () => T0 } }), secret: string | null = SECRET) {
  source = await createWebhookSource({ inbox, secretFor: async () => secret ?? undefined, listen: { host: '127.0.0.1', port: 0 }, now: () => T0 });
  await source.sync(triggers);
  return source;
}

async function post(path: string, body: string, headers: Record<string, string>, method = 'POST') {
  const response = await fetch(`${source!.url}${path}`, { method, headers, ...(method === 'GET' ? {} : { body }) });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

describe('webhook listener: accepted events', () => {
  it('answers 202 {eventId, status} once the inbox holds the event, with secrets left out of the stored headers', async () => {
    const inbox = createMemoryInbox({ clock: { now: () => T0 } });
    await start([trigger('login-alert')], inbox);
    expect(source!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hooks\/$/);
    const body = JSON.stringify({ user: 'alice', ip: '203.0.113.7' });
    const headers = { ...signed(body), authorization: 'Bearer leaked', cookie: 'sid=1', 'x-api-token': 't', 'x-request-source': 'siem' };
    const answer = await post('login-alert?severity=high&tag=a&tag=b', body, headers);
    expect(answer.status).toBe(202);
    const [event] = inbox.all();
    expect(answer.json).toEqual({ eventId: event!.id, status: 'accepted' });
    expect(event).toMatchObject({ playbookId: 'suspicious-login', revision: 3, triggerNodeId: 'hook', source: 'webhook', receivedAt: T0, dedupeKey: 'msg_1' });
    const payload = event!.payload as { body: unknown; headers: Record<string, string>; query: unknown; receivedAt: string };
    expect(payload.body).toEqual({ user: 'alice', ip: '203.0.113.7' });
    expect(payload.query).toEqual({ severity: 'high', tag: ['a', 'b'] });
    expect(payload.receivedAt).toBe('2026-01-01T12:00:00.000Z');
    expect(payload.headers).toMatchObject({ 'webhook-id': 'msg_1', 'x-request-source': 'siem', 'content-type': 'application/json' });
    for (const name of ['webhook-signature', 'authorization', 'cookie', 'x-api-token']) expect(payload.headers).not.toHaveProperty(name);
    expect(JSON.stringify(event)).not.toContain(SECRET.slice('whsec_'.length));
  });

  it('answers a resent delivery id with 202 duplicate, linked to the first event and never run twice', async () => {
    const inbox = createMemoryInbox({ clock: { now: () => T0 } });
    await start([trigger('login-alert')], inbox);
    const body = '{"user":"alice"}';
    const first = await post('login-alert', body, signed(body, 'msg_42'));
    const again = await post('login-alert', body, signed(body, 'msg_42'));
    expect(again).toMatchObject({ status: 202, json: { status: 'duplicate' } });
    const [original, duplicate] = inbox.all();
    expect(original).toMatchObject({ id: first.json.eventId, duplicates: 1, status: 'accepted' });
    expect(duplicate).toMatchObject({ id: again.json.eventId, status: 'duplicate', duplicateOf: first.json.eventId });
  });

  it('answers 202 only after the inbox has committed: a slow commit holds the answer back', async () => {
    const inbox = createMemoryInbox({ clock: { now: () => T0 } });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let committed = false;
    const slow: EventInbox = { ...inbox, accept: async (event) => {
      await gate;
      const accepted = await inbox.accept(event);
      committed = true;
      return accepted;
    } };
    await start([trigger('login-alert')], slow);
    const body = '{}';
    let answeredBeforeCommit = false;
    const pending = post('login-alert', body, signed(body)).then((answer) => {
      answeredBeforeCommit = !committed;
      return answer;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(inbox.all()).toHaveLength(0);
    release();
    expect((await pending).status).toBe(202);
    expect(answeredBeforeCommit).toBe(false);
  });

  it('answers 503 when the inbox cannot commit, and shows it in the trigger health', async () => {
    const inbox = createMemoryInbox({ clock: { now: () => T0 } });
    await start([trigger('login-alert')], inbox);
    inbox.unavailable = true;
    const answer = await post('login-alert', '{}', signed('{}'));
    expect(answer).toMatchObject({ status: 503, json: { error: 'the event inbox cannot commit now; retry' } });
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(inbox.all()).toHaveLength(0);
    expect(source!.health()[0]).toMatchObject({ state: 'failing', consecutiveFailures: 1, counts: { unavailable: 1 } });
  });

  it('takes a form body, and a dedupe key computed by its JSONata over the event', async () => {
    const inbox = createMemoryInbox({ clock: { now: () => T0 } });
    await start([trigger('report', { dedupeKey: 'trigger.body.alert' })], inbox);
    const body = 'alert=A-7&note=x';
    const answer = await post('report', body, { ...signed(body, 'msg_9'), 'content-type': 'application/x-www-form-urlencoded' });
    expect(answer.status).toBe(202);
    expect(inbox.all()[0]).toMatchObject({ dedupeKey: 'A-7', payload: { body: { alert: 'A-7', note: 'x' } } });
  });
});

describe('webhook listener: refusals', () => {
  it('answers 401 to a bad or stale signature with one body whatever the reason; the reason goes to health only', async () => {
    await start([trigger('login-alert')]);
    const body = '{"user":"alice"}';
    const forged = await post('login-alert', body, signed(body, 'msg_1', T0, `whsec_${Buffer.from('another-key-another-key-another!').toString('base64')}`));
    const stale = await post('login-alert', body, signed(body, 'msg_2', T0 - 6 * 60 * 1000));
    const unsigned = await post('login-alert', body, { 'content-type': 'application/json' });
    for (const answer of [forged, stale, unsigned]) expect(answer).toMatchObject({ status: 401, json: { error: 'unauthorized' } });
    expect(source!.health()[0]).toMatchObject({ state: 'failing', lastError: 'missing webhook-id', consecutiveFailures: 3, counts: { refused: 3 } });
  });

  it('answers a signed request to an unknown path with the same 401 as a bad signature, and an unsigned one with 404', async () => {
    await start([trigger('login-alert')]);
    const body = '{}';
    const known = await post('login-alert', body, { ...signed(body), 'webhook-signature': 'v1,AAAA' });
    const unknown = await post('nothing-here', body, { ...signed(body), 'webhook-signature': 'v1,AAAA' });
    expect(unknown).toEqual({ ...known, headers: unknown.headers });
    expect([...unknown.headers.keys()].sort()).toEqual([...known.headers.keys()].filter((name) => name !== 'keep-alive' && name !== 'connection').concat('connection').sort());
    expect(await post('nothing-here', body, { 'content-type': 'application/json' })).toMatchObject({ status: 404 });
  });

  it('answers 404 once a sync drops the trigger (disabled), and serves a new path at once', async () => {
    await start([trigger('login-alert')]);
    await source!.sync([trigger('renamed')]);
    const body = '{}';
    expect((await post('login-alert', body, { 'content-type': 'application/json' })).status).toBe(404);
    expect((await post('renamed', body, signed(body))).status).toBe(202);
  });

  it('answers 405 to another method, 415 to a body that is neither JSON nor a form, 400 to broken JSON', async () => {
    await start([trigger('login-alert')]);
    expect((await post('login-alert', '', {}, 'GET')).status).toBe(405);
    expect((await post('login-alert', 'hello', { ...signed('hello'), 'content-type': 'text/plain' })).status).toBe(415);
    const broken = await post('login-alert', '{"a":', signed('{"a":'));
    expect(broken.status).toBe(400);
    expect(broken.json.error).toMatch(/^body: not valid JSON/);
  });

  it('answers 429 past the per-hook rate limit, with Retry-After', async () => {
    await start([trigger('login-alert', { rateLimitPerMinute: 2 })]);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const body = `{"n":${i}}`;
      const answer = await post('login-alert', body, signed(body, `msg_${i}`));
      statuses.push(answer.status);
      retryAfter = answer.headers.get('retry-after');
    }
    expect(statuses).toEqual([202, 202, 429]);
    expect(retryAfter).toBe('30');
  });

  it('answers 413 on a declared length over the limit, and stops reading a chunked body at the limit', async () => {
    await start([trigger('login-alert', { maxBodyBytes: 1024 })]);
    const declared = await post('login-alert', 'x'.repeat(2048), signed('x'));
    expect(declared).toMatchObject({ status: 413, json: { error: 'body over 1024 bytes' } });

    const { port } = new URL(source!.url);
    const outcome = await new Promise<{ status: number; sentBeforeAnswer: number }>((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/hooks/login-alert', headers: signed('{}') }, (res) => {
        answered = true;
        res.resume();
        resolve({ status: res.statusCode ?? 0, sentBeforeAnswer: sent });
      });
      req.on('error', (err) => (answered ? undefined : reject(err)));
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const pump = () => {
        while (!answered && sent < 64 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!answered) req.end();
      };
      pump();
    });
    expect(outcome.status).toBe(413);
    expect(outcome.sentBeforeAnswer).toBeLessThan(16 * 1024 * 1024);
  });
});

describe('webhook source: sync and health', () => {
  it('keeps a path with the trigger that held it and shows the second claimant red', async () => {
    await start([trigger('shared', {}, 'b-playbook')]);
    await source!.sync([trigger('shared', {}, 'a-playbook'), trigger('shared', {}, 'b-playbook')]);
    const health = source!.health();
    expect(health.find((h) => h.playbookId === 'b-playbook')).toMatchObject({ state: 'ok' });
    expect(health.find((h) => h.playbookId === 'a-playbook')).toMatchObject({
      state: 'failing',
      lastError: 'path shared is already used by playbook b-playbook (node hook); give this trigger another path',
    });
  });

  it('shows a trigger without a secret red and refuses its requests with 401', async () => {
    await start([trigger('login-alert')], undefined, null);
    expect((await post('login-alert', '{}', signed('{}'))).status).toBe(401);
    expect(source!.health()[0]).toMatchObject({ state: 'failing', lastError: 'no secret: credential slot hook_secret has no webhook credential with a secret bound' });
  });

  it('describes each trigger by its URL and shows bad params by field', async () => {
    await start([trigger('login-alert'), trigger('bad', { maxBodyBytes: 0 }, 'other')]);
    const [ok, bad] = source!.health();
    expect(ok).toMatchObject({ state: 'ok', describe: `POST ${source!.url}login-alert (standard-webhooks)`, consecutiveFailures: 0 });
    expect(bad).toMatchObject({ state: 'failing', lastError: expect.stringMatching(/^params\.maxBodyBytes: /) });
  });
});
