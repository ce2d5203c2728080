import { describe, expect, it } from 'vitest';
import { scenario } from '../../../lab/scenario.ts';
import { RATE_LIMIT_TEXT, shodanLabCredentials, shodanTwin } from '../../../lab/twins/shodan.ts';
import { compactBanner, shodanConnector, shodanError, summarizeHost } from '../../../nodes/shodan/index.ts';
import { useTwin } from '../../support/twin-fixture.ts';

const { twin, credentials, run, fault, rateLimit } = useTwin(shodanConnector, shodanTwin, shodanLabCredentials);

const ASSET = scenario.vulnerability.asset;

describe('shodan connector against its twin', () => {
  it('points the lab credential at the twin, with the key as the only secret', () => {
    expect(credentials()).toEqual({ key: shodanLabCredentials.key, baseUrl: twin().url });
    expect(shodanConnector.secretFields).toEqual(['key']);
    expect(shodanConnector.specs.map((s) => `${s.action}:${s.effect}`)).toEqual(['host_info:read']);
  });

  it("shows the vulnerable asset exposed: GlobalProtect on 443 and 4443, with the scenario's CVE", async () => {
    const { node } = await run('host_info', { ip: ASSET.ip });
    expect(node.status).toBe('succeeded');
    expect(node.output).toEqual({
      ip_str: ASSET.ip,
      found: true,
      exposed: true,
      ports: [...ASSET.openPorts],
      hostnames: ['vpn-gw-01.corp.example'],
      domains: ['corp.example'],
      org: 'Corp Example Inc.',
      isp: 'Example Transit LLC',
      asn: 'AS64500',
      os: null,
      country_code: 'US',
      city: 'Chicago',
      tags: ['vpn'],
      vulns: [scenario.vulnerability.cve],
      last_update: '2026-11-26T22:41:07.112233',
      data: [
        { port: 443, transport: 'tcp', product: 'Palo Alto GlobalProtect', cpe23: ['cpe:2.3:o:paloaltonetworks:pan-os'], timestamp: '2026-11-26T22:41:07.112233', _shodan: { module: 'https' } },
        { port: 4443, transport: 'tcp', product: 'Palo Alto PAN-OS', cpe23: ['cpe:2.3:o:paloaltonetworks:pan-os'], timestamp: '2026-11-25T09:03:51.440712', _shodan: { module: 'https-simple-new' } },
      ],
    });
    expect(twin().requests).toEqual([{ method: 'GET', path: `/shodan/host/${ASSET.ip}` }]);
  });

  it('shows the Tor exit of the suspicious login, with no CVEs', async () => {
    const { node } = await run('host_info', { ip: scenario.login.maliciousIp });
    expect(node.output).toMatchObject({ ip_str: scenario.login.maliciousIp, exposed: true, ports: [22, 80, 9001], tags: ['tor'], vulns: [], country_code: scenario.login.country });
  });

  it('answers found: false, exposed: false for an internal address Shodan never saw', async () => {
    const { node, sleeps } = await run('host_info', { ip: scenario.vulnerability.minor.asset.ip });
    expect(node.status).toBe('succeeded');
    expect(node.output).toEqual({ ip_str: scenario.vulnerability.minor.asset.ip, found: false, exposed: false, ports: [], hostnames: [], vulns: [], data: [] });
    expect(sleeps).toEqual([]);
  });

  it('fails with NOT_FOUND and the vendor message when failIfUnknown is set', async () => {
    const { node } = await run('host_info', { ip: scenario.vulnerability.minor.asset.ip, failIfUnknown: true });
    expect(node.error).toMatchObject({ code: 'NOT_FOUND', status: 404, message: 'Shodan 404 No information available for that IP.' });
  });

  it('passes minify: ports and host information without banners', async () => {
    const { node } = await run('host_info', { ip: ASSET.ip, minify: true });
    expect(node.output).toMatchObject({ exposed: true, ports: [...ASSET.openPorts], data: [] });
  });

  it('refuses a wrong key with AUTH and "Invalid API key" (the 401 is an HTML page), never echoing the key', async () => {
    const { node, sleeps } = await run('host_info', { ip: ASSET.ip }, {}, { ...credentials(), key: 'wrong-shodan-key' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'AUTH', status: 401, message: 'Shodan 401 Invalid API key' });
    expect(JSON.stringify(node.error)).not.toContain('wrong-shodan-key');
    expect(sleeps).toEqual([]);
  });

  it('honours Retry-After on a 429 when one is sent, and then succeeds', async () => {
    await fault({ status: 429, headers: { 'retry-after': '2' }, body: { error: RATE_LIMIT_TEXT }, times: 1 });
    const { node, sleeps } = await run('host_info', { ip: ASSET.ip });
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(2);
    expect(sleeps).toEqual([2000]);
  });

  it("waits Shodan's one second on its own 429 (no Retry-After) and gives up with its text when it persists", async () => {
    await rateLimit({ budget: 0 });
    const { node, sleeps } = await run('host_info', { ip: ASSET.ip });
    expect(node.error).toMatchObject({ code: 'RATE_LIMITED', status: 429, message: `Shodan 429 ${RATE_LIMIT_TEXT}` });
    expect(sleeps).toEqual([1000, 1000]);
  });

  it("surfaces Shodan's own error message from a 5xx after retrying", async () => {
    await fault({ path: '^/shodan/host/', status: 503, body: { error: 'The search engine is temporarily unavailable, please try again.' } });
    const { node, sleeps } = await run('host_info', { ip: ASSET.ip });
    expect(node.error).toMatchObject({ code: 'VENDOR', status: 503, message: 'Shodan 503 The search engine is temporarily unavailable, please try again.' });
    expect(sleeps).toEqual([500, 1000]);
  });

  it('answers a malformed IP with 400 Invalid IP (the connector validates before calling)', async () => {
    const response = await fetch(`${twin().url}/shodan/host/not-an-ip?key=${shodanLabCredentials.key}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'Invalid IP' });
    const { node } = await run('host_info', { ip: 'not-an-ip' });
    expect(node.error?.code).toBe('INVALID_INPUT');
  });
});

describe('shodan pure helpers', () => {
  it('reads { error }, and names a bare 401 the way shodan-python does', () => {
    expect(shodanError(404, { error: 'No information available for that IP.' })).toBe('No information available for that IP.');
    expect(shodanError(401, '<html>401</html>')).toBe('Invalid API key');
    expect(shodanError(502, '')).toBeUndefined();
  });

  it('keeps the service summary of a banner and drops the raw banner text', () => {
    expect(compactBanner({ port: 22, transport: 'tcp', product: 'OpenSSH', data: 'SSH-2.0', _shodan: { module: 'ssh', id: 'x' } })).toEqual({ port: 22, transport: 'tcp', product: 'OpenSSH', _shodan: { module: 'ssh' } });
  });

  it('is not exposed when Shodan lists no open port', () => {
    expect(summarizeHost({ ip_str: '192.0.2.1', ports: [] })).toMatchObject({ found: true, exposed: false, vulns: [], tags: [], data: [] });
  });
});
