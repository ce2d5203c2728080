import { describe, expect, it } from 'vitest';
import { scenario } from '../../../lab/scenario.ts';
import { crowdstrikeLabCredentials, crowdstrikeTwin } from '../../../lab/twins/crowdstrike.ts';
import { hostAlertFilter } from '../../../nodes/crowdstrike/alerts.ts';
import { falconErrorMessage, queryIds, tokenExpiry } from '../../../nodes/crowdstrike/client.ts';
import { crowdstrikeCredentials } from '../../../nodes/crowdstrike/credentials.ts';
import { crowdstrikeConnector } from '../../../nodes/crowdstrike/index.ts';
import type { ConnectorContext } from '../../../nodes/sdk/define-connector.ts';
import { createHttpClient } from '../../../nodes/sdk/http-client.ts';
import { LoopbackClock } from '../../support/loopback-clock.ts';
import { useTwin } from '../../support/twin-fixture.ts';

const ALICE = scenario.host.deviceId;
const BUILD = '7b1e5d3c9a2f4e6b8d0c1a3e5f7b9d2c';

const { twin, credentials, run, simulate, fault, rateLimit } = useTwin(crowdstrikeConnector, crowdstrikeTwin, crowdstrikeLabCredentials);

async function statusOf(id: string): Promise<unknown> {
  const { node } = await run('host_details', { ids: id });
  return (node.output as { host: { status: string } }).host.status;
}

const hits = (method: string, prefix: string) => twin().requests.filter((r) => r.method === method && r.path.startsWith(prefix)).length;

describe('crowdstrike connector against its twin', () => {
  it('marks the client secret as the only secret field', () => {
    expect(crowdstrikeConnector.secretFields).toEqual(['client_secret']);
    expect(crowdstrikeConnector.specs.map((s) => `${s.action}:${s.effect}`)).toEqual([
      'find_hosts:read',
      'host_details:read',
      'host_detections:read',
      'contain_host:write',
      'lift_containment:write',
    ]);
  });

  it('find_hosts resolves an FQL hostname filter to the device id', async () => {
    const { node } = await run('find_hosts', { filter: `hostname:'${scenario.host.hostname}'` });
    expect(node.status).toBe('succeeded');
    expect(node.output).toEqual({ resources: [ALICE], device_id: ALICE, total: 1, found: true });
  });

  it('find_hosts combines terms with + and reports no match plainly', async () => {
    const both = await run('find_hosts', { filter: "local_ip:'10.20.*'+status:'normal'", sort: 'hostname.asc' });
    expect(both.node.output).toMatchObject({ resources: [BUILD, ALICE], total: 2 });
    const none = await run('find_hosts', { filter: "hostname:'NO-SUCH-HOST'" });
    expect(none.node.output).toEqual({ resources: [], device_id: null, total: 0, found: false });
  });

  it('follows offset pagination until the total is reached', async () => {
    const ctx = {
      credentials: credentials(),
      credential: crowdstrikeCredentials.parse(credentials()),
      clock: new LoopbackClock(),
      http: createHttpClient({ vendor: 'CrowdStrike Falcon', connectorId: 'crowdstrike', baseURL: twin().url, credentialHosts: [new URL(twin().url).host] }),
    } as unknown as ConnectorContext;
    const result = await queryIds(ctx, '/devices/queries/devices/v1', { filter: "local_ip:'10.20.*'", sort: 'hostname.asc' }, 10, 1);
    expect(result).toEqual({ ids: [BUILD, ALICE], total: 2 });
    expect(hits('GET', '/devices/queries/devices/v1')).toBe(2);
  });

  it('host_details returns the host record and the ids Falcon does not know', async () => {
    const unknown = 'ffffffffffffffffffffffffffffffff';
    const { node } = await run('host_details', { ids: [ALICE, unknown] });
    expect(node.status).toBe('succeeded');
    const output = node.output as { host: Record<string, unknown>; notFound: string[]; contained: boolean; resources: unknown[] };
    expect(output.host).toMatchObject({ device_id: ALICE, hostname: scenario.host.hostname, local_ip: scenario.host.localIp, platform_name: 'Windows', status: 'normal' });
    expect(output.resources).toHaveLength(1);
    expect(output.notFound).toEqual([unknown]);
    expect(output.contained).toBe(false);
  });

  it('host_detections finds the malware alert on the scenario host, by id or hostname', async () => {
    const byId = await run('host_detections', { device_id: ALICE });
    expect(byId.node.status).toBe('succeeded');
    expect(byId.node.output).toMatchObject({
      total: 1,
      detected: true,
      count: 1,
      maxSeverity: 90,
      maxSeverityName: scenario.host.detection.severity,
      tactics: [scenario.host.detection.tactic],
      filenames: [scenario.host.detection.fileName],
      sha256: [scenario.phishing.attachment.sha256],
    });
    const alert = (byId.node.output as { resources: Array<Record<string, unknown>> }).resources[0];
    expect(alert).toMatchObject({ id: scenario.host.detection.id, device: { device_id: ALICE } });
    const byName = await run('host_detections', { hostname: scenario.host.hostname, filter: "status:'new'" });
    expect(byName.node.output).toMatchObject({ detected: true, filter: `device.hostname:'${scenario.host.hostname}'+status:'new'` });
  });

  it('host_detections reports a clean host as not detected', async () => {
    const { node } = await run('host_detections', { device_id: BUILD });
    expect(node.output).toMatchObject({ total: 0, resources: [], detected: false, maxSeverity: 0, maxSeverityName: null });
  });

  it('contain_host contains the host (pending, then contained) and lift_containment releases it', async () => {
    const contain = await run('contain_host', { ids: ALICE });
    expect(contain.node.status).toBe('succeeded');
    expect(contain.node.output).toMatchObject({ action_name: 'contain', accepted: true, device_ids: [ALICE], errors: [] });
    expect(twin().state().actions).toEqual([{ action_name: 'contain', ids: [ALICE] }]);
    expect(await statusOf(ALICE)).toBe('containment_pending');
    expect(await statusOf(ALICE)).toBe('contained');
    const contained = await run('host_details', { ids: ALICE });
    expect(contained.node.output).toMatchObject({ contained: true });

    const lift = await run('lift_containment', { ids: [ALICE] });
    expect(lift.node.output).toMatchObject({ action_name: 'lift_containment', accepted: true, device_ids: [ALICE] });
    expect(await statusOf(ALICE)).toBe('lift_containment_pending');
    expect(await statusOf(ALICE)).toBe('normal');
  });

  it('a dry run of contain_host returns the example and sends no write', async () => {
    await simulate('contain_host', { ids: ALICE });
    expect(hits('POST', '/devices/entities/devices-actions')).toBe(0);
    expect(twin().state().devices.find((d) => d.device_id === ALICE)?.status).toBe('normal');
  });

  it('a wrong client secret fails with AUTH and Falcon’s own message', async () => {
    const { node } = await run('find_hosts', { filter: "hostname:'x'" }, {}, { ...credentials(), client_secret: 'wrong-secret' });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('AUTH');
    expect(node.error?.message).toBe('CrowdStrike Falcon 403 Failed to issue access token - Not Authorized');
    expect(node.error?.message).not.toContain('wrong-secret');
  });

  it('an unknown client id fails with AUTH and the client-authentication message', async () => {
    const { node } = await run('find_hosts', { filter: "hostname:'x'" }, {}, { ...credentials(), client_id: 'nobody' });
    expect(node.error?.code).toBe('AUTH');
    expect(node.error?.message).toContain('Failed to issue access token - Client authentication failed');
  });

  it('reuses the cached token across runs', async () => {
    await run('find_hosts', { filter: `hostname:'${scenario.host.hostname}'` });
    await run('host_details', { ids: ALICE });
    expect(hits('POST', '/oauth2/token')).toBe(1);
  });

  it('refreshes the token once when Falcon answers 401', async () => {
    await run('find_hosts', { filter: `hostname:'${scenario.host.hostname}'` });
    twin().reset();
    const { node } = await run('find_hosts', { filter: `hostname:'${scenario.host.hostname}'` });
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(1);
    expect(twin().requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /devices/queries/devices/v1',
      'POST /oauth2/token',
      'GET /devices/queries/devices/v1',
    ]);
  });

  it('honours Retry-After on a 429 and then succeeds', async () => {
    await fault({
      path: '^/devices/queries',
      status: 429,
      headers: { 'retry-after': '2', 'x-ratelimit-limit': '6000', 'x-ratelimit-remaining': '0' },
      body: { meta: { query_time: 0.0009, powered_by: 'crowdstrike-api-gateway', trace_id: 't' }, errors: [{ code: 429, message: 'API rate limit exceeded.' }] },
      times: 1,
    });
    const { node, sleeps } = await run('find_hosts', { filter: `hostname:'${scenario.host.hostname}'` });
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(2);
    expect(sleeps).toContain(2000);
  });

  it.each([
    ['a UTC epoch in seconds (what Falcon sends)', () => String(Math.floor(Date.now() / 1000) + 3)],
    ['an epoch in milliseconds too (what the generated client documents)', () => String(Date.now() + 3000)],
  ])('reads X-RateLimit-RetryAfter as %s', async (_reading, retryAt) => {
    await fault({
      path: '^/devices/queries',
      status: 429,
      headers: { 'X-Ratelimit-Limit': '6000', 'X-Ratelimit-Remaining': '0', 'X-Ratelimit-Retryafter': retryAt() },
      body: { meta: {}, errors: [{ code: 429, message: 'API rate limit exceeded.' }] },
      times: 1,
    });
    const { node, sleeps } = await run('find_hosts', { filter: `hostname:'${scenario.host.hostname}'` });
    expect(node.status).toBe('succeeded');
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(1000);
    expect(sleeps[0]).toBeLessThanOrEqual(3000);
  });

  it('the twin’s 429 carries X-RateLimit-RetryAfter as an epoch in seconds, as Falcon sends it', async () => {
    await rateLimit({ budget: 0, retryAfterSeconds: 5 });
    const before = Math.floor(Date.now() / 1000);
    const response = await fetch(`${twin().url}/devices/queries/devices/v1`);
    expect(response.status).toBe(429);
    const header = Number(response.headers.get('x-ratelimit-retryafter'));
    expect(header).toBeGreaterThanOrEqual(before + 5);
    expect(header).toBeLessThanOrEqual(before + 6);
  });

  it('gives up with RATE_LIMITED and the twin’s 429 message when the budget stays spent', async () => {
    await rateLimit({ budget: 0, retryAfterSeconds: 1 });
    const { node, sleeps } = await run('find_hosts', { filter: "hostname:'x'" });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('RATE_LIMITED');
    expect(node.error?.message).toBe('CrowdStrike Falcon 429 API rate limit exceeded.');
    expect(sleeps).toHaveLength(2);
    for (const ms of sleeps) expect(ms).toBeLessThanOrEqual(2000);
  });

  it('surfaces Falcon’s own message for a refused FQL filter', async () => {
    const { node } = await run('find_hosts', { filter: "serial:'abc'" });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('BAD_REQUEST');
    expect(node.error?.message).toBe('CrowdStrike Falcon 400 Invalid filter: unknown property serial');
  });

  it('surfaces the vendor message of a 500 after the retries', async () => {
    await fault({
      path: '^/alerts/',
      status: 500,
      body: { meta: { query_time: 0.01, powered_by: 'detectsapi', trace_id: 't' }, errors: [{ code: 500, message: 'internal error: alerts store unavailable' }] },
    });
    const { node } = await run('host_detections', { device_id: ALICE });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('VENDOR');
    expect(node.attempt).toBe(3);
    expect(node.error?.message).toBe('CrowdStrike Falcon 500 internal error: alerts store unavailable');
  });
});

describe('crowdstrike helpers', () => {
  it('refreshes a token a minute before it expires', () => {
    expect(tokenExpiry(0, 1799)).toBe(1_739_000);
    expect(tokenExpiry(0, 100)).toBe(90_000);
  });

  it('joins the messages of a Falcon error body', () => {
    expect(falconErrorMessage(400, { meta: {}, errors: [{ code: 400, message: 'a' }, { code: 400, message: 'b' }] })).toBe('a; b');
    expect(falconErrorMessage(500, { meta: {}, errors: [] })).toBeUndefined();
    expect(falconErrorMessage(500, 'oops')).toBeUndefined();
  });

  it('builds the alert filter from a device id or a hostname', () => {
    expect(hostAlertFilter({ device_id: 'ABC' })).toBe("device.device_id:'abc'");
    expect(hostAlertFilter({ hostname: 'WS-1', filter: 'severity:>=70' })).toBe("device.hostname:'WS-1'+severity:>=70");
  });
});
