import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { NodeError } from '../../../engine/errors.ts';
import type { EgressPolicy } from '../../../engine/node-type.ts';
import { destroyAgents } from '../../../nodes/sdk/http-agents.ts';
import { sendRequest } from '../../../nodes/sdk/http-client.ts';
import type { HttpClientOptions } from '../../../nodes/sdk/http-client.ts';
import { egressTo, sendJson, startTestServer } from '../../support/http-server.ts';
import type { TestServer } from '../../support/http-server.ts';

const servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  destroyAgents();
});
afterAll(() => destroyAgents());

/** A loopback server standing in for whatever an attacker's playbook points at. */
async function listener(body: unknown = { secret: 'internal' }): Promise<TestServer> {
  const server = await startTestServer((_req, res) => sendJson(res, 200, body));
  servers.push(server);
  return server;
}

/** A resolver that answers from a table and records every name it was asked, like a DNS server would. */
function fakeDns(table: Record<string, string>): { lookup: NonNullable<EgressPolicy['lookup']>; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    lookup: async (hostname) => {
      asked.push(hostname);
      const address = table[hostname];
      if (address === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return [{ address, family: address.includes(':') ? 6 : 4 }];
    },
  };
}

const client = (extra: Partial<HttpClientOptions> = {}): HttpClientOptions => ({ vendor: 'HTTP', connectorId: 'http', ...extra });

async function refusal(promise: Promise<unknown>): Promise<NodeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NodeError);
  expect((error as NodeError).code).toBe('EGRESS_DENIED');
  return error as NodeError;
}

describe('the egress policy on the wire', () => {
  it('refuses 127.0.0.1 and localhost by default: nothing reaches the listener', async () => {
    const target = await listener();
    const port = new URL(target.url).port;
    const literal = await refusal(sendRequest(client(), { url: `${target.url}/admin` }));
    expect(literal.message).toBe(`destination 127.0.0.1:${port} is a loopback address; denied by the egress policy (allow it in the workspace settings: egress.allow)`);
    const named = await refusal(sendRequest(client(), { url: `http://localhost:${port}/admin` }));
    expect(named.message).toMatch(new RegExp(`^destination localhost:${port} \\((127\\.0\\.0\\.1|::1)\\) is a loopback address; denied by the egress policy`));
    expect(target.requests).toHaveLength(0);
  });

  it('refuses the cloud metadata service before connecting (IPv4, IPv6 and a name that resolves to it)', async () => {
    const dns = fakeDns({ 'metadata.evil.test': '169.254.169.254' });
    const v4 = await refusal(sendRequest(client({ egress: { allow: [], lookup: dns.lookup } }), { url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' }));
    expect(v4.message).toBe('destination 169.254.169.254:80 is link-local; denied by the egress policy (allow it in the workspace settings: egress.allow)');
    const v6 = await refusal(sendRequest(client({ egress: { allow: [], lookup: dns.lookup } }), { url: 'http://[fd00:ec2::254]/latest/meta-data/' }));
    expect(v6.message).toMatch(/^destination \[fd00:ec2::254\]:80 is a unique local \(private\) address; denied/);
    const mapped = await refusal(sendRequest(client({ egress: { allow: [], lookup: dns.lookup } }), { url: 'http://[::ffff:169.254.169.254]/latest/' }));
    expect(mapped.message).toMatch(/is link-local; denied/);
    const named = await refusal(sendRequest(client({ egress: { allow: [], lookup: dns.lookup } }), { url: 'http://metadata.evil.test/latest/meta-data/' }));
    expect(named.message).toMatch(/^destination metadata\.evil\.test:80 \(169\.254\.169\.254\) is link-local; denied/);
    expect(dns.asked).toEqual(['metadata.evil.test']);
  });

  it('checks the address a name resolves to, not the name: evil.test → 127.0.0.1 is refused', async () => {
    const target = await listener();
    const port = new URL(target.url).port;
    const dns = fakeDns({ 'evil.test': '127.0.0.1' });
    const error = await refusal(sendRequest(client({ egress: { allow: [], lookup: dns.lookup } }), { url: `http://evil.test:${port}/` }));
    expect(error.message).toMatch(/^destination evil\.test:\d+ \(127\.0\.0\.1\) is a loopback address/);
    expect(dns.asked).toEqual(['evil.test']);
    expect(target.requests).toHaveLength(0);
  });

  it('refuses a redirect from an allowed host into loopback, and is not retried as a network error', async () => {
    const internal = await listener({ secret: 'internal' });
    const front = await startTestServer((_req, res) => {
      res.writeHead(302, { location: `${internal.url}/secret` });
      res.end();
    });
    servers.push(front);
    const error = await refusal(sendRequest(client({ egress: egressTo(front) }), { url: `${front.url}/start` }));
    expect(error.message).toMatch(/^destination 127\.0\.0\.1:\d+ is a loopback address; denied by the egress policy/);
    expect(front.requests).toHaveLength(1);
    expect(internal.requests).toHaveLength(0);
  });

  it('reaches what the policy allows: a host:port, a range (an allowed LAN stands in as 127.0.0.0/8) and a name', async () => {
    const target = await listener({ ok: true });
    const port = new URL(target.url).port;
    expect((await sendRequest(client({ egress: egressTo(target) }), { url: `${target.url}/a` })).data).toEqual({ ok: true });
    expect((await sendRequest(client({ egress: { allow: ['127.0.0.0/8'] } }), { url: `${target.url}/b` })).data).toEqual({ ok: true });
    const dns = fakeDns({ 'siem.corp.local': '127.0.0.1' });
    expect((await sendRequest(client({ egress: { allow: ['siem.corp.local'], lookup: dns.lookup } }), { url: `http://siem.corp.local:${port}/c` })).data).toEqual({ ok: true });
    expect(target.requests.map((r) => r.url)).toEqual(['/a', '/b', '/c']);
  });

  it('allows the bound credential’s own hosts, and only for calls that carry it', async () => {
    const target = await listener({ ok: true });
    const host = new URL(target.url).host;
    expect((await sendRequest(client({ credentialHosts: [host] }), { url: `${target.url}/a` })).data).toEqual({ ok: true });
    await refusal(sendRequest(client(), { url: `${target.url}/b` }));
    expect(target.requests.map((r) => r.url)).toEqual(['/a']);
  });

  it('never reaches this host’s own server port, even when loopback is allowed', async () => {
    const own = await listener();
    const port = Number(new URL(own.url).port);
    const error = await refusal(sendRequest(client({ egress: { allow: ['127.0.0.0/8'], ownPorts: [port] } }), { url: `${own.url}/ws` }));
    expect(error.message).toBe(`destination 127.0.0.1:${port} is Switchboard's own server; denied by the egress policy`);
    expect(own.requests).toHaveLength(0);
  });

  it('refuses a credentialed first request to a host the credential is not bound to, before it is sent', async () => {
    const bound = await listener({ ok: true });
    const foreign = await listener({ stolen: true });
    const options = client({
      vendor: 'Okta',
      connectorId: 'okta',
      baseURL: bound.url,
      headers: { Authorization: 'SSWS okta-token-123456' },
      credentialHosts: [new URL(bound.url).host],
      egress: egressTo(foreign),
    });
    const error = await refusal(sendRequest(options, { url: `${foreign.url}/api/v1/users` }));
    expect(error.message).toBe(`Okta credential is bound to ${new URL(bound.url).host}; not sent to ${new URL(foreign.url).host}`);
    expect(foreign.requests).toHaveLength(0);
    expect((await sendRequest(options, { url: '/api/v1/users' })).data).toEqual({ ok: true });
  });

  it('refuses to carry a credentialed body (a 307 or 308 keeps it) to a host the credential is not bound to', async () => {
    const foreign = await listener({ stolen: true });
    const bound = await startTestServer((_req, res) => void res.writeHead(307, { location: `${foreign.url}/oauth2/token` }).end());
    servers.push(bound);
    const options = client({ vendor: 'CrowdStrike Falcon', connectorId: 'crowdstrike', baseURL: bound.url, credentialHosts: [new URL(bound.url).host], egress: egressTo(foreign) });
    const error = await refusal(sendRequest(options, { method: 'POST', url: '/oauth2/token', data: 'client_id=abc&client_secret=falcon-secret-123' }));
    expect(error.message).toBe(`CrowdStrike Falcon credential is bound to ${new URL(bound.url).host}; not sent to ${new URL(foreign.url).host}`);
    expect(bound.requests).toHaveLength(1);
    expect(foreign.requests).toHaveLength(0);
  });
});
