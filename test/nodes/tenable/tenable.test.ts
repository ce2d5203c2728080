import { describe, expect, it } from 'vitest';
import { scenario } from '../../../lab/scenario.ts';
import { tenableLabCredentials, tenableTwin } from '../../../lab/twins/tenable.ts';
import { countBySeverity, pendingChunks, pollDelayMs } from '../../../nodes/tenable/findings.ts';
import { tenableConnector, tenableError } from '../../../nodes/tenable/index.ts';
import { exportRequestBody, listVulnerabilitiesInput } from '../../../nodes/tenable/list-vulnerabilities.ts';
import { useTwin } from '../../support/twin-fixture.ts';

const { twin, credentials, run, fault, rateLimit } = useTwin(tenableConnector, tenableTwin, tenableLabCredentials);

interface ListOutput {
  export_uuid: string;
  vulnerabilities: Array<{ asset: Record<string, unknown>; plugin: Record<string, unknown>; severity: string; state: string; first_found: string; last_found: string; port: unknown }>;
  total: number;
  truncated: boolean;
  chunks: number;
  bySeverity: Record<string, number>;
}

const VPN = scenario.vulnerability.asset;
const exportCalls = () => twin().requests.filter((r) => r.method === 'POST' && r.path === '/vulns/export').length;

describe('tenable connector against its twin', () => {
  it('points the lab credential at the twin, with both API keys secret', () => {
    expect(credentials()['baseUrl']).toBe(twin().url);
    expect(tenableConnector.secretFields).toEqual(['accessKey', 'secretKey']);
    expect(tenableConnector.specs.map((s) => `${s.action}:${s.effect}`)).toEqual(['list_vulnerabilities:read', 'get_asset:read']);
  });

  it('runs the export flow: request, poll QUEUED → PROCESSING → FINISHED on the clock, download the chunks', async () => {
    const { node, sleeps } = await run('list_vulnerabilities', {});
    expect(node.status).toBe('succeeded');
    const out = node.output as ListOutput;
    expect(sleeps).toEqual([2000, 3000]);
    expect(twin().requests.map((r) => `${r.method} ${r.path.replace(out.export_uuid, '{uuid}')}`)).toEqual([
      'POST /vulns/export',
      'GET /vulns/export/{uuid}/status',
      'GET /vulns/export/{uuid}/status',
      'GET /vulns/export/{uuid}/chunks/1',
      'GET /vulns/export/{uuid}/status',
    ]);
    // Tenable exports OPEN and REOPENED findings when no state filter is given.
    expect(out).toMatchObject({ total: 4, truncated: false, chunks: 1, bySeverity: { info: 1, low: 0, medium: 1, high: 1, critical: 1 } });
    const critical = out.vulnerabilities.find((v) => v.severity === 'critical');
    expect(critical).toEqual({
      asset: { uuid: VPN.uuid, hostname: VPN.hostname, ipv4: VPN.ip, fqdn: `${VPN.hostname}.corp.example`, operating_system: ['Palo Alto Networks PAN-OS 10.2.9'], device_type: 'general-purpose', network_id: '00000000-0000-0000-0000-000000000000' },
      plugin: {
        id: scenario.vulnerability.pluginId,
        name: 'Palo Alto Networks PAN-OS GlobalProtect Command Injection (CVE-2024-3400)',
        family: 'Palo Alto Local Security Checks',
        cve: [scenario.vulnerability.cve],
        cvss3_base_score: scenario.vulnerability.cvss,
        cvss_base_score: 10,
        has_patch: true,
        solution: 'Upgrade to PAN-OS 10.2.9-h1, 11.0.4-h1, 11.1.2-h3 or later.',
        synopsis: 'The remote PAN-OS host is affected by a command injection vulnerability.',
        risk_factor: 'CRITICAL',
        see_also: [scenario.vulnerability.patchUrl],
        exploit_available: true,
        vpr: { score: 9.8 },
      },
      port: { port: 443, protocol: 'TCP', service: 'www' },
      severity: 'critical',
      severity_id: 4,
      state: 'OPEN',
      first_found: '2026-11-20T02:14:09Z',
      last_found: '2026-11-27T02:10:44Z',
      finding_id: 'a1f0c3e2-5b7d-5e9f-8a1c-000000000001',
    });
    expect(twin().state().exports[0]).toMatchObject({ status: 'FINISHED', num_assets: 500, filters: {} });
  });

  it('sends severity, state and plugin_id as export filters', async () => {
    const { node } = await run('list_vulnerabilities', { severity: ['critical'], plugin_id: [scenario.vulnerability.pluginId] });
    const out = node.output as ListOutput;
    expect(out.vulnerabilities.map((v) => [v.asset['hostname'], v.plugin['id']])).toEqual([[VPN.hostname, scenario.vulnerability.pluginId]]);
    expect(twin().state().exports[0]?.filters).toEqual({ severity: ['critical'], plugin_id: [scenario.vulnerability.pluginId] });

    const fixed = await run('list_vulnerabilities', { state: ['fixed'] });
    expect((fixed.node.output as ListOutput).vulnerabilities.map((v) => [v.state, v.plugin['cve']])).toEqual([['FIXED', ['CVE-2021-44228']]]);
    expect(twin().state().exports[1]?.filters).toEqual({ state: ['FIXED'] });
  });

  it('keeps only findings of the requested CVE (client-side: the export API filters by plugin)', async () => {
    const { node } = await run('list_vulnerabilities', { cve: scenario.vulnerability.minor.cve.toLowerCase() });
    const out = node.output as ListOutput;
    expect(out.vulnerabilities.map((v) => v.asset['hostname'])).toEqual([scenario.vulnerability.minor.asset.hostname]);
    expect(out.bySeverity).toMatchObject({ high: 1, critical: 0 });
  });

  it('downloads every chunk of a multi-chunk export', async () => {
    twin().state().assetsPerChunk = 1;
    const { node } = await run('list_vulnerabilities', {});
    expect(node.output).toMatchObject({ total: 4, chunks: 2, truncated: false });
  });

  it('stops at limit and cancels the export it no longer needs', async () => {
    twin().state().assetsPerChunk = 1;
    const { node, sleeps } = await run('list_vulnerabilities', { limit: 1 });
    const out = node.output as ListOutput;
    expect(out).toMatchObject({ total: 1, truncated: true, chunks: 1 });
    expect(sleeps).toEqual([2000]);
    expect(twin().requests.at(-1)).toEqual({ method: 'POST', path: `/vulns/export/${out.export_uuid}/cancel` });
    expect(twin().state().exports[0]?.status).toBe('CANCELLED');
  });

  it('adopts the active_job_id of the 409 a duplicate running export gets', async () => {
    const first = await fetch(`${twin().url}/vulns/export`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-apikeys': `accessKey=${tenableLabCredentials.accessKey}; secretKey=${tenableLabCredentials.secretKey}` },
      body: JSON.stringify({ num_assets: 500, filters: { severity: ['critical'] } }),
    });
    const { export_uuid } = (await first.json()) as { export_uuid: string };
    const { node } = await run('list_vulnerabilities', { severity: ['critical'] });
    expect(node.status).toBe('succeeded');
    expect(node.output).toMatchObject({ export_uuid, total: 1 });
    expect(twin().state().exports).toHaveLength(1);
  });

  it('fails with the vendor error when the export ends in ERROR', async () => {
    twin().state().exportOutcome = 'ERROR';
    const { node } = await run('list_vulnerabilities', {}, { retry: { maxAttempts: 1 } });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'VENDOR', message: 'Tenable Vulnerability Management export b8f7f2da-b1e5-4585-bbf2-000000000001 ended ERROR' });
  });

  it('gives up after maxPolls, cancelling the export, with TIMEOUT', async () => {
    twin().state().pollsToFinish = 10;
    const { node, sleeps } = await run('list_vulnerabilities', { maxPolls: 3 }, { retry: { maxAttempts: 1 } });
    expect(node.error?.code).toBe('TIMEOUT');
    expect(node.error?.message).toMatch(/export b8f7f2da-b1e5-4585-bbf2-000000000001 still PROCESSING after 3 status polls; cancelled/);
    expect(sleeps).toEqual([2000, 3000]);
    expect(twin().state().exports[0]?.status).toBe('CANCELLED');
  });

  it('runs for real in a dry run: the export POSTs are reads (they change no finding or asset)', async () => {
    const { node } = await run('list_vulnerabilities', { severity: ['critical'] }, { dryRun: true });
    expect(node.status).toBe('succeeded');
    expect(node.output).toMatchObject({ total: 1 });
    expect(exportCalls()).toBe(1);
  });

  it('gets an asset by UUID, and an unknown one is NOT_FOUND with the vendor message', async () => {
    const { node } = await run('get_asset', { asset_uuid: VPN.uuid });
    expect(node.status).toBe('succeeded');
    expect(node.output).toMatchObject({ id: VPN.uuid, ipv4: [VPN.ip], hostname: [VPN.hostname], fqdn: ['vpn-gw-01.corp.example'], system_type: ['firewall'] });

    const missing = await run('get_asset', { asset_uuid: '11111111-2222-4333-8444-555555555555' });
    expect(missing.node.error).toMatchObject({ code: 'NOT_FOUND', status: 404, message: 'Tenable Vulnerability Management 404 Asset not found' });
  });

  it('refuses a wrong key pair with AUTH and the gateway message', async () => {
    const { node, sleeps } = await run('get_asset', { asset_uuid: VPN.uuid }, {}, { ...credentials(), secretKey: 'wrong-secret' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'AUTH', status: 401, message: 'Tenable Vulnerability Management 401 Invalid Credentials' });
    expect(sleeps).toEqual([]);
  });

  it("honours the 429's retry-after and then succeeds", async () => {
    const limited = tenableTwin.rateLimited(2);
    expect(limited.headers).toMatchObject({ 'content-type': 'text/html', 'retry-after': '2' });
    await fault({ status: 429, headers: limited.headers, body: limited.body, times: 1 });
    const { node, sleeps } = await run('get_asset', { asset_uuid: VPN.uuid });
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(2);
    expect(sleeps).toEqual([2000]);
  });

  it('waits out a 429 on a status poll without restarting the export', async () => {
    const limited = tenableTwin.rateLimited(2);
    await fault({ method: 'GET', path: '/status$', status: 429, headers: limited.headers, body: limited.body, times: 1 });
    const { node, sleeps } = await run('list_vulnerabilities', { severity: ['critical'] });
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(1);
    expect(exportCalls()).toBe(1);
    expect(sleeps).toEqual([2000, 2000, 3000]);
  });

  it('gives up with RATE_LIMITED and the status text when the budget stays spent', async () => {
    await rateLimit({ budget: 0, retryAfterSeconds: 3 });
    const { node, sleeps } = await run('get_asset', { asset_uuid: VPN.uuid });
    expect(node.error).toMatchObject({ code: 'RATE_LIMITED', status: 429, message: 'Tenable Vulnerability Management 429 Too Many Requests' });
    expect(sleeps).toEqual([3000, 3000]);
  });

  it("surfaces the vendor's own message from a 5xx, after retrying", async () => {
    await fault({ path: '^/vulns/export$', status: 500, body: { statusCode: 500, error: 'Internal Server Error', message: 'An internal server error occurred' } });
    const { node, sleeps } = await run('list_vulnerabilities', {});
    expect(node.error).toMatchObject({ code: 'VENDOR', status: 500, message: 'Tenable Vulnerability Management 500 An internal server error occurred' });
    expect(sleeps).toEqual([500, 1000]);
  });

  it('answers a refused filter with the 400 message (the twin validates filters like Tenable)', async () => {
    const response = await fetch(`${twin().url}/vulns/export`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-apikeys': `accessKey=${tenableLabCredentials.accessKey};secretKey=${tenableLabCredentials.secretKey}` },
      body: JSON.stringify({ num_assets: 50, filters: { severity: ['urgent'] } }),
    });
    expect(response.status).toBe(400);
    expect(tenableError(400, await response.json())).toBe('Invalid severity: urgent');
  });
});

describe('tenable pure helpers', () => {
  it('builds the export body from the set filters only, upper-casing states', () => {
    const input = listVulnerabilitiesInput.parse({ state: ['open', 'REOPENED'], since: 1700000000 });
    expect(exportRequestBody(input)).toEqual({ num_assets: 500, filters: { state: ['OPEN', 'REOPENED'], since: 1700000000 } });
  });

  it('ramps the poll wait like pyTenable and caps it at 30 s', () => {
    expect([1, 2, 3, 29, 40].map(pollDelayMs)).toEqual([2000, 3000, 4000, 30_000, 30_000]);
  });

  it('lists the chunks not yet downloaded, once each, in order', () => {
    expect(pendingChunks([3, 1, 2, 3], new Set([2]))).toEqual([1, 3]);
  });

  it('counts findings per severity with every severity present', () => {
    expect(countBySeverity([{ severity: 'critical' }, { severity: 'HIGH' }, { severity: 'critical' }])).toEqual({ info: 0, low: 0, medium: 0, high: 1, critical: 2 });
  });

  it("reads both of Tenable's error shapes", () => {
    expect(tenableError(403, { statusCode: 403, error: 'Forbidden', message: 'Insufficient scope' })).toBe('Insufficient scope');
    expect(tenableError(404, { error: 'The requested file was not found' })).toBe('The requested file was not found');
    expect(tenableError(429, '<html></html>')).toBeUndefined();
  });
});
