import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwin, type RunningTwin } from '../../lab/twin.ts';
import { oktaTwin } from '../../lab/twins/okta.ts';
import { labControl } from '../support/lab-control.ts';

let twin: RunningTwin<unknown>;

beforeAll(async () => {
  twin = await startTwin(oktaTwin as never);
});

afterAll(async () => {
  await twin.close();
});

/** A raw request with exactly these headers (fetch would set Host and Origin itself). */
function raw(path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; body: string }> {
  const url = new URL(twin.url);
  return new Promise((resolve, reject) => {
    const method = body === '' && path !== '/_lab/reset' ? 'GET' : 'POST';
    const req = request({ host: url.hostname, port: url.port, path, method, headers, setHost: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('a twin\'s control API is guarded like the editor\'s server', () => {
  const host = () => new URL(twin.url).host;
  const bearer = () => `Bearer ${twin.controlToken}`;

  it('answers its own Host with the lab\'s token', async () => {
    expect((await labControl(twin, '/_lab/state')).status).toBe(200);
    expect((await raw('/_lab/state', { host: host().replace('127.0.0.1', 'localhost'), authorization: bearer() })).status).toBe(200);
  });

  it('refuses a request without the token, or with another', async () => {
    expect((await raw('/_lab/reset', { host: host() })).status).toBe(401);
    expect((await raw('/_lab/reset', { host: host(), authorization: 'Bearer not-the-token' })).status).toBe(401);
  });

  it('refuses a DNS-rebinding Host and a cross-site Origin, token or not', async () => {
    const rebound = await raw('/_lab/reset', { host: `attacker.example:${new URL(twin.url).port}`, authorization: bearer() });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toContain('is not this twin');
    const crossSite = await raw('/_lab/reset', { host: host(), origin: 'http://attacker.example', authorization: bearer() });
    expect(crossSite.status).toBe(403);
  });

  it('takes JSON only: a text/plain POST (what a cross-site form sends) is refused', async () => {
    const sent = await raw('/_lab/faults', { host: host(), authorization: bearer(), 'content-type': 'text/plain' }, '{"status":500}');
    expect(sent.status).toBe(415);
  });

  it('matches fault patterns in linear time, and refuses what RE2 cannot run', async () => {
    expect((await labControl(twin, '/_lab/faults', { path: '^/(a+)+$', status: 503, times: 1 })).status).toBe(200);
    const probe = await fetch(`${twin.url}/${'a'.repeat(27)}!`);
    expect(probe.status).not.toBe(503);
    const refused = await labControl(twin, '/_lab/faults', { path: '(a)\\1', status: 503 });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('is not a pattern RE2 can run');
    await labControl(twin, '/_lab/reset');
  });
});
