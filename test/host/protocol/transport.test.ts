import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { CONTENT_SECURITY_POLICY } from '../../../host/server/static-files.ts';
import { TINY } from '../../support/chain-playbook.ts';
import { httpGet, openSocket, socketOutcome, upgradeHeaders, upgradeStatus, useProtocolServer, writeShipped } from './harness.ts';

const { server, client } = useProtocolServer((dir) => ({ shipped: writeShipped(dir(), [TINY]) }));

describe('WebSocket frames', () => {
  it('answers malformed JSON with BAD_FRAME and keeps the connection', async () => {
    const answer = await client().raw('{ "id": 1, "method": ');
    expect(answer).toMatchObject({ id: null, error: { code: 'BAD_FRAME' } });
    expect(answer.error?.message).toMatch(/^the frame is not valid JSON/);
    expect((await client().call('playbooks.list', {})).playbooks.map((p) => p.id)).toEqual(['tiny']);
  });

  it('answers a frame of the wrong shape with BAD_FRAME naming the field, echoing a usable id', async () => {
    expect(await client().raw(JSON.stringify({ id: 7, method: 42 }), 7)).toMatchObject({ id: 7, error: { code: 'BAD_FRAME', message: expect.stringContaining('frame.method') } });
    expect(await client().raw(JSON.stringify([1, 2]))).toMatchObject({ id: null, error: { code: 'BAD_FRAME' } });
    expect(await client().raw(JSON.stringify({ id: 8, method: 'host.info', extra: 1 }), 8)).toMatchObject({ error: { code: 'BAD_FRAME', message: expect.stringContaining('frame.extra') } });
  });

  it('refuses binary frames', async () => {
    expect(await client().raw(Buffer.from([1, 2, 3]))).toMatchObject({ id: null, error: { code: 'BAD_FRAME', message: expect.stringContaining('text') } });
  });

  it('answers an unknown method with UNKNOWN_METHOD, and does not reach inherited properties', async () => {
    for (const method of ['playbooks.nope', 'constructor', '__proto__', 'toString']) {
      await expect(client().call(method as 'host.info', {})).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' });
    }
  });

  it('answers invalid params with INVALID_PARAMS naming the field', async () => {
    await expect(client().call('playbooks.get', { id: 42 } as never)).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/^params\.id: /) });
    await expect(client().call('playbooks.get', {} as never)).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/^params\.id: /) });
    await expect(client().call('host.info', { surprise: true } as never)).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: 'params.surprise: is not a known field' });
    await expect(client().call('runs.control', { runId: 'x', action: 'dance' } as never)).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/^params\.action: /) });
  });

  it('never sends a stack trace, whatever goes wrong', async () => {
    await expect(client().call('playbooks.get', { id: '../../etc/passwd' })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    await expect(client().call('runs.get', { runId: '../x' })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    for (const frame of client().frames) expect(frame).not.toMatch(/\n\s+at |\.ts:\d+:\d+/);
  });

  it('closes a connection that sends a frame over the size limit', async () => {
    const ws = openSocket(server());
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(16 * 1024 * 1024 + 1));
    expect(await closed).toBe(1009);
  });
});

describe('the token, Host and Origin guard', () => {
  const statusOf = (ws: WebSocket) => upgradeStatus(ws);
  const refusedToken = { closed: 4401, reason: expect.stringContaining('open the URL that switchboard serve printed') };

  it('answers a WebSocket that offers the token as a subprotocol, selecting switchboard.v1 (never echoing the token)', async () => {
    const outcome = await socketOutcome(openSocket(server()));
    expect(outcome).toMatchObject({ answer: { id: 1, result: { workspace: expect.any(String) } }, protocol: 'switchboard.v1' });
  });

  it('closes a WebSocket without the token, or with a wrong one, with 4401 before answering anything', async () => {
    expect(await socketOutcome(openSocket(server(), { token: null }))).toEqual(refusedToken);
    expect(await socketOutcome(openSocket(server(), { token: 'not-the-token' }))).toEqual(refusedToken);
    expect(await socketOutcome(openSocket(server(), { token: `${server().token}x` }))).toEqual(refusedToken);
  });

  it('takes the token from no cookie and no query: only the subprotocol', async () => {
    const cookie = `switchboard_token_${server().port}=${server().token}`;
    expect(await socketOutcome(openSocket(server(), { token: null, headers: { Cookie: cookie } }))).toEqual(refusedToken);
    expect(await socketOutcome(openSocket(server(), { token: null, path: `/ws?token=${server().token}` }))).toEqual(refusedToken);
  });

  it('refuses a foreign Origin or Host (403), even with the token', async () => {
    expect(await statusOf(openSocket(server(), { headers: { Origin: 'http://evil.example' } }))).toBe(403);
    expect(await statusOf(openSocket(server(), { headers: { Origin: `http://127.0.0.1:${server().port + 1}` } }))).toBe(403);
    expect(await statusOf(openSocket(server(), { headers: { Host: `evil.example:${server().port}` } }))).toBe(403);
    expect(await statusOf(openSocket(server(), { headers: { Origin: `http://localhost:${server().port}`, Host: `localhost:${server().port}` } }))).toBe(101);
  });

  it('serves the page and its assets without the token (they hold no secret), with the CSP on the page', async () => {
    const page = await httpGet(server().port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    // Cross-origin isolated: no other origin shares the page's process.
    expect(page.headers).toMatchObject({ 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'cross-origin-resource-policy': 'same-origin' });
    const asset = await httpGet(server().port, '/assets/index-abcdef12.js');
    expect(asset).toMatchObject({ status: 200, body: 'console.log("switchboard");' });
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await httpGet(server().port, '/assets/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('sets no cookie on any response', async () => {
    const port = server().port;
    const responses = [
      await httpGet(port, '/'),
      await httpGet(port, `/?token=${server().token}`),
      await httpGet(port, `/?token=${server().token}&playbook=tiny`),
      await httpGet(port, '/?token=wrong'),
      await httpGet(port, '/assets/index-abcdef12.js'),
      await httpGet(port, '/nope.js'),
      await httpGet(port, '/ws'),
      await httpGet(port, `/?token=${server().token}`, { Origin: 'http://evil.example' }),
    ];
    for (const response of responses) expect(response.headers['set-cookie']).toBeUndefined();
    const upgrades = await Promise.all([upgradeHeaders(openSocket(server())), upgradeHeaders(openSocket(server(), { token: null }))]);
    for (const headers of upgrades) expect(headers['set-cookie']).toBeUndefined();
  });

  it('refuses foreign Host and Origin headers on HTTP too (403)', async () => {
    expect((await httpGet(server().port, `/?token=${server().token}`, { Host: `evil.example:${server().port}` })).status).toBe(403);
    expect((await httpGet(server().port, `/?token=${server().token}`, { Host: `127.0.0.1:${server().port + 1}` })).status).toBe(403);
    expect((await httpGet(server().port, `/?token=${server().token}`, { Origin: 'http://evil.example' })).status).toBe(403);
  });

  it('keeps requests inside the renderer folder', async () => {
    for (const attempt of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/%00', '/nope.js']) {
      const response = await httpGet(server().port, attempt);
      expect(response.status, attempt).toBe(404);
    }
  });

  it('binds 127.0.0.1 only', () => {
    expect(server().url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server().port}/\\?token=[A-Za-z0-9_-]{43}$`));
  });
});
