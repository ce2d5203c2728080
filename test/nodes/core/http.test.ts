import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { httpGetNode } from '../../../nodes/core/http-get.ts';
import { httpNode } from '../../../nodes/core/http.ts';
import { destroyAgents } from '../../../nodes/sdk/http-agents.ts';
import { fakeContext } from '../../support/fake-context.ts';
import { egressTo, sendJson, startTestServer } from '../../support/http-server.ts';
import type { TestServer } from '../../support/http-server.ts';

let server: TestServer;

afterEach(async () => {
  await server?.close();
});
afterAll(() => destroyAgents());

async function echoServer(): Promise<TestServer> {
  server = await startTestServer((req, res) =>
    sendJson(res, 200, { method: req.method, url: req.url }, { 'set-cookie': 'session=abc', 'X-Request-Id': 'r-1' }),
  );
  return server;
}

function params(extra: Record<string, unknown>) {
  return httpNode.input.parse(extra);
}

describe('core.http', () => {
  it('makes an unauthenticated call and outputs status, lower-cased headers without set-cookie, and body', async () => {
    const s = await echoServer();
    const { ctx } = fakeContext({ egress: egressTo(s) });
    const output = await httpNode.run(ctx, params({ url: `${s.url}/lookup`, query: { ip: '1.2.3.4', tag: ['a', 'b'] } }));
    expect(output.status).toBe(200);
    expect(output.body).toEqual({ method: 'GET', url: '/lookup?ip=1.2.3.4&tag=a&tag=b' });
    expect(output.headers['x-request-id']).toBe('r-1');
    expect(output.headers['set-cookie']).toBeUndefined();
    expect(s.requests[0]?.headers['authorization']).toBeUndefined();
  });

  it('sends an API key in the header named by the params', async () => {
    const s = await echoServer();
    const { ctx } = fakeContext({ credentials: { baseUrl: s.url, apiKey: 'key-123456' } });
    await httpNode.run(ctx, params({ url: s.url, auth: 'apiKey', apiKeyHeader: 'Key' }));
    await httpNode.run(ctx, params({ url: s.url, auth: 'apiKey' }));
    expect(s.requests[0]?.headers['key']).toBe('key-123456');
    expect(s.requests[1]?.headers['x-api-key']).toBe('key-123456');
  });

  it('sends an API key as a query parameter when asked', async () => {
    const s = await echoServer();
    const { ctx } = fakeContext({ credentials: { baseUrl: s.url, apiKey: 'key-123456' } });
    await httpNode.run(ctx, params({ url: `${s.url}/shodan/host/1.2.3.4`, auth: 'apiKey', apiKeyQuery: 'key' }));
    expect(s.requests[0]?.url).toBe('/shodan/host/1.2.3.4?key=key-123456');
  });

  it('sends a bearer token', async () => {
    const s = await echoServer();
    const { ctx } = fakeContext({ credentials: { allowedHosts: [new URL(s.url).host], token: 'tok-abcdef' } });
    await httpNode.run(ctx, params({ url: s.url, auth: 'bearer' }));
    expect(s.requests[0]?.headers['authorization']).toBe('Bearer tok-abcdef');
  });

  it('sends basic credentials', async () => {
    const s = await echoServer();
    const { ctx } = fakeContext({ credentials: { baseUrl: s.url, username: 'alice', password: 'pw-secret' } });
    await httpNode.run(ctx, params({ url: s.url, auth: 'basic' }));
    expect(s.requests[0]?.headers['authorization']).toBe(`Basic ${Buffer.from('alice:pw-secret').toString('base64')}`);
  });

  it('refuses an auth mode whose secret is not bound', async () => {
    const s = await echoServer();
    const { ctx } = fakeContext();
    await expect(httpNode.run(ctx, params({ url: s.url, auth: 'bearer' }))).rejects.toMatchObject({
      code: 'AUTH',
      message: 'core.http auth bearer needs a bound http credential with token',
    });
    expect(s.requests).toHaveLength(0);
  });

  it('resolves paths against a credential baseUrl and never sends the secret to another host', async () => {
    const s = await echoServer();
    const { ctx } = fakeContext({ credentials: { baseUrl: `${s.url}/api/v2/`, token: 'tok-abcdef' } });
    const output = await httpNode.run(ctx, params({ url: '/users/42', auth: 'bearer' }));
    expect(output.body).toMatchObject({ url: '/api/v2/users/42' });
    await expect(httpNode.run(ctx, params({ url: 'http://127.0.0.2:9/steal', auth: 'bearer' }))).rejects.toMatchObject({
      code: 'EGRESS_DENIED',
      message: `http credential is bound to ${new URL(s.url).host}; not sent to 127.0.0.2:9 (params.url)`,
    });
    await expect(httpNode.run(fakeContext().ctx, params({ url: '/relative' }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(httpNode.run(fakeContext().ctx, params({ url: 'file:///etc/passwd' }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('refuses an http credential that names no host, before anything is sent', async () => {
    const s = await echoServer();
    const { ctx } = fakeContext({ credentials: { token: 'tok-abcdef' }, egress: egressTo(s) });
    await expect(httpGetNode.run(ctx, httpGetNode.input.parse({ url: `${s.url}/collect`, auth: 'bearer' }))).rejects.toMatchObject({
      code: 'AUTH',
      message: 'http credential field baseUrl: set baseUrl (or allowedHosts): an http credential names the hosts it may be sent to',
    });
    expect(s.requests).toHaveLength(0);
  });

  it("never sends a stored token to a playbook's own URL, even where the egress policy would let the call through", async () => {
    const attacker = await echoServer();
    const { ctx } = fakeContext({ credentials: { baseUrl: 'https://api.corp.example', token: 'tok-abcdef' }, egress: egressTo(attacker) });
    await expect(httpGetNode.run(ctx, httpGetNode.input.parse({ url: `${attacker.url}/collect`, auth: 'bearer' }))).rejects.toMatchObject({
      code: 'EGRESS_DENIED',
      message: `http credential is bound to api.corp.example:443; not sent to ${new URL(attacker.url).host} (params.url)`,
    });
    expect(attacker.requests).toHaveLength(0);
    const output = await httpGetNode.run(ctx, httpGetNode.input.parse({ url: `${attacker.url}/public` }));
    expect(output.status).toBe(200);
    expect(attacker.requests[0]?.headers['authorization']).toBeUndefined();
  });

  it('sends the token to the allowedHosts of the credential, and drops it when the bound host redirects elsewhere', async () => {
    const attacker = await echoServer();
    const bound = await startTestServer((_req, res) => void res.writeHead(302, { location: `${attacker.url}/landed` }).end());
    try {
      const { ctx } = fakeContext({ credentials: { allowedHosts: [new URL(bound.url).host], token: 'tok-abcdef' }, egress: egressTo(attacker) });
      const output = await httpGetNode.run(ctx, httpGetNode.input.parse({ url: `${bound.url}/start`, auth: 'bearer' }));
      expect(output.body).toEqual({ method: 'GET', url: '/landed' });
      expect(bound.requests[0]?.headers['authorization']).toBe('Bearer tok-abcdef');
      expect(attacker.requests[0]?.headers['authorization']).toBeUndefined();
    } finally {
      await bound.close();
    }
  });

  it('takes only single hosts in allowedHosts, not ranges or wildcards', () => {
    const parse = (allowedHosts: string[]) => httpGetNode.credentials?.schema?.safeParse({ allowedHosts, token: 't' }).success;
    expect(parse(['siem.corp.local:8089', '10.1.2.3', '[fd00::5]:443'])).toBe(true);
    expect(parse(['10.0.0.0/8'])).toBe(false);
    expect(parse(['*.corp.local'])).toBe(false);
    expect(parse([])).toBe(false);
  });

  it('posts a JSON body with the idempotency key', async () => {
    const s = await echoServer();
    const { ctx } = fakeContext({ egress: egressTo(s) });
    await httpNode.run(ctx, params({ method: 'POST', url: s.url, body: { ip: '1.2.3.4' }, headers: { 'X-Case': 'C-9' } }));
    const [request] = s.requests;
    expect(request?.method).toBe('POST');
    expect(JSON.parse(request?.body ?? '')).toEqual({ ip: '1.2.3.4' });
    expect(request?.headers['content-type']).toContain('application/json');
    expect(request?.headers['idempotency-key']).toBe('run-1:node_1');
    expect(request?.headers['x-case']).toBe('C-9');
  });

  it('returns text bodies as text when asked', async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"a":1}');
    });
    const output = await httpNode.run(fakeContext({ egress: egressTo(server) }).ctx, params({ url: server.url, responseType: 'text' }));
    expect(output.body).toBe('{"a":1}');
  });

  it('maps error statuses to node errors without leaking the credential', async () => {
    server = await startTestServer((_req, res) => sendJson(res, 401, { message: 'bad token tok-abcdef' }));
    const { ctx } = fakeContext({ credentials: { baseUrl: server.url, token: 'tok-abcdef' } });
    const error = await Promise.resolve(httpNode.run(ctx, params({ url: `${server.url}/x`, auth: 'bearer' }))).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AUTH', status: 401 });
    expect((error as Error).message).toBe(`${new URL(server.url).host} 401 bad token ***`);
  });

  it('classifies a reset by method: POST → UNKNOWN_OUTCOME, GET → NETWORK', async () => {
    server = await startTestServer((_req, _res, raw) => {
      raw.socket.destroy();
    });
    const { ctx } = fakeContext({ egress: egressTo(server) });
    await expect(httpNode.run(ctx, params({ method: 'POST', url: server.url, body: {} }))).rejects.toMatchObject({ code: 'UNKNOWN_OUTCOME' });
    await expect(httpNode.run(ctx, params({ method: 'GET', url: server.url }))).rejects.toMatchObject({ code: 'NETWORK' });
  });

  it('is a write (simulated in dry runs) that takes an optional http credential', () => {
    expect(httpNode.effect).toBe('write');
    expect(httpNode.idempotent).toBe(false);
    expect(httpNode.credentials).toMatchObject({ connector: 'http', required: false });
    expect(httpNode.input.safeParse({ url: 'x', auth: 'digest' }).success).toBe(false);
  });
});

describe('core.http_get', () => {
  it('is a read limited to GET and HEAD', async () => {
    const s = await echoServer();
    expect(httpGetNode.effect).toBe('read');
    expect(httpGetNode.idempotent).toBe(true);
    expect(httpGetNode.input.safeParse({ url: s.url, method: 'POST' }).success).toBe(false);
    expect(httpGetNode.input.safeParse({ url: s.url, body: {} }).success).toBe(false);
    const output = await httpGetNode.run(fakeContext({ egress: egressTo(s) }).ctx, httpGetNode.input.parse({ url: s.url, method: 'HEAD' }));
    expect(output.status).toBe(200);
    expect(s.requests[0]?.method).toBe('HEAD');
  });
});
