import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { NodeError } from '../../../engine/errors.ts';
import type { EgressPolicy } from '../../../engine/node-type.ts';
import { destroyAgents } from '../../../nodes/sdk/http-agents.ts';
import { createHttpClient, sendRequest, USER_AGENT } from '../../../nodes/sdk/http-client.ts';
import type { HttpClientOptions } from '../../../nodes/sdk/http-client.ts';
import { sendJson, startTestServer } from '../../support/http-server.ts';
import type { TestHandler, TestServer } from '../../support/http-server.ts';

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => destroyAgents());

async function serve(handler: TestHandler): Promise<TestServer> {
  server = await startTestServer(handler);
  return server;
}

/** These tests are about the client, not the egress policy (egress-wire.test.ts): they may reach any loopback server. */
const LOOPBACK: EgressPolicy = { allow: ['127.0.0.0/8', 'localhost'] };

function options(url: string, extra: Partial<HttpClientOptions> = {}): HttpClientOptions {
  return {
    egress: LOOPBACK,
    vendor: 'VirusTotal',
    connectorId: 'virustotal',
    baseURL: url,
    headers: { 'x-apikey': 'sekret-key-123' },
    idempotencyKey: 'run-1:check_url',
    secrets: ['sekret-key-123'],
    ...extra,
  };
}

async function failure(promise: Promise<unknown>): Promise<NodeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NodeError);
  return error as NodeError;
}

describe('createHttpClient', () => {
  it('sends the auth header, the user agent and the default params', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, { data: { id: 'x' } }));
    const http = createHttpClient(options(s.url, { params: { key: 'shodan-key' } }));
    const response = await http.get('/ip_addresses/1.2.3.4', { params: { minify: true } });
    expect(response.data).toEqual({ data: { id: 'x' } });
    const [request] = s.requests;
    expect(request?.headers['x-apikey']).toBe('sekret-key-123');
    expect(request?.headers['user-agent']).toBe(USER_AGENT);
    expect(USER_AGENT).toMatch(/^Switchboard\/\d+\.\d+\.\d+/);
    expect(request?.url).toBe('/ip_addresses/1.2.3.4?key=shodan-key&minify=true');
  });

  it('sends the idempotency key on POST but not on GET', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, { ok: true }));
    const http = createHttpClient(options(s.url));
    await http.get('/a');
    await http.post('/b', { url: 'http://evil.example' });
    expect(s.requests[0]?.headers['idempotency-key']).toBeUndefined();
    expect(s.requests[1]?.headers['idempotency-key']).toBe('run-1:check_url');
    expect(JSON.parse(s.requests[1]?.body ?? '')).toEqual({ url: 'http://evil.example' });
  });

  it('maps 401 to AUTH with the vendor message and no credential', async () => {
    const s = await serve((_req, res) =>
      sendJson(res, 401, { error: { code: 'WrongCredentialsError', message: 'Wrong API key sekret-key-123' } }),
    );
    const error = await failure(createHttpClient(options(s.url)).get('/files/abc'));
    expect(error.code).toBe('AUTH');
    expect(error.status).toBe(401);
    expect(error.vendor).toBe('virustotal');
    expect(error.message).toBe('VirusTotal 401 WrongCredentialsError: Wrong API key ***');
    expect(JSON.stringify(error.details)).not.toContain('sekret-key-123');
  });

  it('uses the connector vendorError extractor when given', async () => {
    const s = await serve((_req, res) => sendJson(res, 403, { status: 'nope', reason: 'role lacks scope' }));
    const http = createHttpClient(options(s.url, { vendorError: (_status, body) => (body as { reason: string }).reason }));
    const error = await failure(http.get('/x'));
    expect(error.code).toBe('AUTH');
    expect(error.message).toBe('VirusTotal 403 role lacks scope');
  });

  it('maps 429 with Retry-After in seconds to RATE_LIMITED with retryAfterMs', async () => {
    const s = await serve((_req, res) =>
      sendJson(res, 429, { error: { code: 'QuotaExceededError', message: 'Quota exceeded' } }, { 'retry-after': '7' }),
    );
    const error = await failure(createHttpClient(options(s.url)).get('/x'));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfterMs).toBe(7_000);
    expect(error.message).toBe('VirusTotal 429 QuotaExceededError: Quota exceeded');
  });

  it('maps 429 with Retry-After as an HTTP date', async () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const later = new Date(now + 30_000).toUTCString();
    const s = await serve((_req, res) => sendJson(res, 429, {}, { 'retry-after': later }));
    const error = await failure(createHttpClient(options(s.url, { clock: { now: () => now } })).get('/x'));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfterMs).toBe(30_000);
  });

  it('reads vendor rate-limit reset headers when Retry-After is absent', async () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const s = await serve((_req, res) => sendJson(res, 429, {}, { 'x-rate-limit-reset': String(now / 1000 + 12) }));
    const error = await failure(createHttpClient(options(s.url, { clock: { now: () => now } })).get('/x'));
    expect(error.retryAfterMs).toBe(12_000);
  });

  it('maps 500 to VENDOR, 404 to NOT_FOUND, 400 to BAD_REQUEST and 408 to TIMEOUT', async () => {
    const s = await serve((req, res) => {
      const status = Number(req.url.slice(1));
      sendJson(res, status, { message: `status ${status}` });
    });
    const http = createHttpClient(options(s.url));
    expect((await failure(http.get('/500'))).code).toBe('VENDOR');
    expect((await failure(http.get('/404'))).code).toBe('NOT_FOUND');
    expect((await failure(http.get('/400'))).code).toBe('BAD_REQUEST');
    expect((await failure(http.get('/408'))).code).toBe('TIMEOUT');
    expect((await failure(http.get('/502'))).message).toBe('VirusTotal 502 status 502');
  });

  it('aborts an in-flight request when the run is stopped', async () => {
    const s = await serve((_req, res) => {
      setTimeout(() => sendJson(res, 200, { late: true }), 5_000).unref();
    });
    const controller = new AbortController();
    const http = createHttpClient(options(s.url, { signal: controller.signal }));
    const started = performance.now();
    const pending = failure(http.get('/slow'));
    setTimeout(() => controller.abort(), 50);
    const error = await pending;
    expect(error.code).toBe('CANCELLED');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('keeps the executor reason when a node timeout aborts the request', async () => {
    const s = await serve(() => undefined);
    const controller = new AbortController();
    const pending = failure(sendRequest(options(s.url, { signal: controller.signal }), { url: '/hang' }));
    setTimeout(() => controller.abort(new NodeError('TIMEOUT', 'no answer within 50 ms')), 50);
    const error = await pending;
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toBe('no answer within 50 ms');
  });

  it('refuses a response larger than the cap', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, { blob: 'x'.repeat(10_000) }));
    const error = await failure(createHttpClient(options(s.url, { maxContentLength: 1_000 })).get('/big'));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain('maxContentLength');
  });

  it('classifies a connection reset after a POST as UNKNOWN_OUTCOME and after a GET as NETWORK', async () => {
    const s = await serve((_req, _res, raw) => {
      raw.socket.destroy();
    });
    const http = createHttpClient(options(s.url));
    const post = await failure(http.post('/quarantine', { host: 'h1' }));
    expect(post.code).toBe('UNKNOWN_OUTCOME');
    expect(s.requests[0]?.method).toBe('POST');
    const get = await failure(http.get('/report'));
    expect(get.code).toBe('NETWORK');
  });

  it('treats a reset as retryable for an action declared idempotent, whatever the method', async () => {
    const s = await serve((_req, _res, raw) => {
      raw.socket.destroy();
    });
    const error = await failure(createHttpClient(options(s.url, { idempotent: true })).post('/search', {}));
    expect(error.code).toBe('NETWORK');
  });

  it('maps a refused connection to NETWORK even for a POST', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, {}));
    const url = s.url;
    await s.close();
    server = undefined;
    const error = await failure(createHttpClient(options(url)).post('/x', {}));
    expect(error.code).toBe('NETWORK');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('drops auth headers when a redirect leaves the origin', async () => {
    const target = await startTestServer((_req, res) => sendJson(res, 200, { landed: true }));
    try {
      const s = await serve((_req, res) => {
        res.writeHead(302, { location: `${target.url.replace('127.0.0.1', 'localhost')}/elsewhere` });
        res.end();
      });
      const response = await createHttpClient(options(s.url)).get('/start');
      expect(response.data).toEqual({ landed: true });
      expect(target.requests[0]?.headers['x-apikey']).toBeUndefined();
    } finally {
      await target.close();
    }
  });
});

describe('sendRequest', () => {
  it('layers the call config over the connector settings and maps errors', async () => {
    const s = await serve((req, res) =>
      req.method === 'POST' ? sendJson(res, 201, { created: true }) : sendJson(res, 404, { error: 'No information available for that IP.' }),
    );
    const opts = options(s.url, { vendor: 'Shodan', params: { key: 'k' }, headers: undefined });
    const created = await sendRequest(opts, { method: 'POST', url: '/notify', data: { a: 1 }, headers: { 'X-Extra': '1' } });
    expect(created.status).toBe(201);
    expect(s.requests[0]?.headers['idempotency-key']).toBe('run-1:check_url');
    expect(s.requests[0]?.headers['x-extra']).toBe('1');
    expect(s.requests[0]?.headers['user-agent']).toBe(USER_AGENT);
    expect(s.requests[0]?.url).toBe('/notify?key=k');
    const error = await failure(sendRequest(opts, { url: '/shodan/host/1.2.3.4' }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe('Shodan 404 No information available for that IP.');
  });

  it("drops the connector's and the call's own headers when a redirect leaves the origin, and keeps them on it", async () => {
    const target = await startTestServer((_req, res) => sendJson(res, 200, { landed: true }));
    try {
      const s = await serve((req, res) => {
        const next = req.url === '/away' ? `${target.url.replace('127.0.0.1', 'localhost')}/elsewhere` : '/landed';
        if (req.url === '/landed') return sendJson(res, 200, { home: true });
        res.writeHead(302, { location: next });
        res.end();
      });
      const call = { url: '/away', headers: { 'X-Custom-Token': 'tok-1' } };
      expect((await sendRequest(options(s.url), call)).data).toEqual({ landed: true });
      expect(target.requests[0]?.headers['x-apikey']).toBeUndefined();
      expect(target.requests[0]?.headers['x-custom-token']).toBeUndefined();
      expect((await sendRequest(options(s.url), { ...call, url: '/here' })).data).toEqual({ home: true });
      const landed = s.requests.find((r) => r.url === '/landed');
      expect(landed?.headers).toMatchObject({ 'x-apikey': 'sekret-key-123', 'x-custom-token': 'tok-1' });
    } finally {
      await target.close();
    }
  });

  it('follows a 303 after a POST as a GET without the body, and a 307 as the same POST with it', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/submit') return void res.writeHead(303, { location: '/result/7' }).end();
      if (req.url === '/move') return void res.writeHead(307, { location: '/moved' }).end();
      sendJson(res, 200, { method: req.method, body: req.body });
    });
    const seen = await sendRequest(options(s.url), { method: 'POST', url: '/submit', data: { a: 1 } });
    expect(seen.data).toEqual({ method: 'GET', body: '' });
    expect(s.requests[1]?.headers['content-type']).toBeUndefined();
    const kept = await sendRequest(options(s.url), { method: 'POST', url: '/move', data: { a: 1 } });
    expect(kept.data).toEqual({ method: 'POST', body: '{"a":1}' });
    expect(s.requests[3]?.headers['x-apikey']).toBe('sekret-key-123');
  });

  it('gives up after five hops with a VENDOR error, and returns the redirect itself when the call asks for none', async () => {
    const s = await serve((req, res) => void res.writeHead(302, { location: `/hop${s.requests.length}` }).end());
    const error = await failure(sendRequest(options(s.url), { url: '/start' }));
    expect(error.code).toBe('VENDOR');
    expect(error.message).toBe('VirusTotal redirected more than 5 times');
    expect(s.requests).toHaveLength(6);
    const answer = await sendRequest(options(s.url), { url: '/start', maxRedirects: 0 });
    expect(answer.status).toBe(302);
    expect(s.requests).toHaveLength(7);
  });

  it('drops basic auth when a redirect leaves the origin, and keeps it on it', async () => {
    const target = await startTestServer((_req, res) => sendJson(res, 200, { landed: true }));
    try {
      const s = await serve((req, res) => {
        if (req.url === '/landed') return sendJson(res, 200, { home: true });
        const next = req.url === '/away' ? `${target.url.replace('127.0.0.1', 'localhost')}/elsewhere` : '/landed';
        res.writeHead(301, { location: next }).end();
      });
      const basic = options(s.url, { headers: undefined, auth: { username: 'svc', password: 'sekret-key-123' } });
      expect((await sendRequest(basic, { url: '/away' })).data).toEqual({ landed: true });
      expect(target.requests[0]?.headers.authorization).toBeUndefined();
      expect((await sendRequest(basic, { url: '/here' })).data).toEqual({ home: true });
      expect(s.requests.find((r) => r.url === '/landed')?.headers.authorization).toMatch(/^Basic /);
    } finally {
      await target.close();
    }
  });

  it('refuses a redirect to a non-http URL as a VENDOR error without following it', async () => {
    const s = await serve((_req, res) => void res.writeHead(302, { location: 'file:///etc/passwd' }).end());
    const error = await failure(sendRequest(options(s.url), { url: '/start' }));
    expect(error.code).toBe('VENDOR');
    expect(error.message).toBe('VirusTotal redirected to a file: URL, which is not followed');
  });
});

