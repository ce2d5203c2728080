import { describe, expect, it } from 'vitest';
import { scenario } from '../../../lab/scenario.ts';
import { nvdLabCredentials, nvdTwin } from '../../../lab/twins/nvd.ts';
import { cweIds, patchLinks, pickCvss } from '../../../nodes/nvd/cve.ts';
import { nvdConnector, nvdErrorCode } from '../../../nodes/nvd/index.ts';
import { useTwin } from '../../support/twin-fixture.ts';

const { twin, credentials, run, fault, rateLimit } = useTwin(nvdConnector, nvdTwin, nvdLabCredentials);

const V = scenario.vulnerability;

describe('nvd connector against its twin', () => {
  it('points the lab credential at the twin; the apiKey is secret and optional', () => {
    expect(credentials()['baseUrl']).toBe(twin().url);
    expect(nvdConnector.secretFields).toEqual(['apiKey']);
    expect(nvdConnector.specs[0]).toMatchObject({ action: 'cve_details', effect: 'read', credentials: { connector: 'nvd', required: false } });
  });

  it("details the scenario's critical CVE: NVD's primary CVSS v3.1, CWE, KEV fields and the vendor advisory as patch link", async () => {
    const { node } = await run('cve_details', { cveId: V.cve });
    expect(node.status).toBe('succeeded');
    expect(node.output).toEqual({
      id: V.cve,
      sourceIdentifier: 'psirt@paloaltonetworks.com',
      vulnStatus: 'Analyzed',
      published: '2024-04-12T08:15:06.230',
      lastModified: '2026-10-02T14:11:08.120',
      description: V.description,
      cvss: { version: '3.1', baseScore: V.cvss, baseSeverity: V.severity, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', source: 'nvd@nist.gov', type: 'Primary' },
      baseScore: V.cvss,
      baseSeverity: V.severity,
      cwes: ['CWE-77'],
      references: expect.arrayContaining([{ url: V.patchUrl, source: 'psirt@paloaltonetworks.com', tags: ['Vendor Advisory'] }]),
      patchLinks: [V.patchUrl],
      patchAvailable: true,
      knownExploited: true,
      cisaExploitAdd: '2024-04-12',
      cisaActionDue: '2024-04-19',
      cisaRequiredAction: 'Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable.',
      cisaVulnerabilityName: 'Palo Alto Networks PAN-OS Command Injection Vulnerability',
    });
    expect(twin().requests).toEqual([{ method: 'GET', path: '/rest/json/cves/2.0' }]);
  });

  it('details the minor CVE: HIGH, two patch links, not known exploited', async () => {
    const { node } = await run('cve_details', { cveId: V.minor.cve.toLowerCase() });
    expect(node.output).toMatchObject({
      id: V.minor.cve,
      baseScore: V.minor.cvss,
      baseSeverity: 'HIGH',
      cwes: ['CWE-400'],
      patchLinks: ['https://github.com/nghttp2/nghttp2/releases/tag/v1.57.0', 'https://msrc.microsoft.com/update-guide/vulnerability/CVE-2023-44487', 'https://cloud.google.com/blog/products/identity-security/how-it-works-the-novel-http2-rapid-reset-ddos-attack'],
      patchAvailable: true,
      knownExploited: false,
    });
    expect(node.output).not.toHaveProperty('cisaExploitAdd');
  });

  it('works without an API key, at the public rate', async () => {
    const { node } = await run('cve_details', { cveId: V.cve }, {}, { baseUrl: credentials()['baseUrl'] });
    expect(node.status).toBe('succeeded');
    expect(node.output).toMatchObject({ id: V.cve, baseScore: V.cvss });
  });

  it('fails an unknown CVE (totalResults 0) with NOT_FOUND, without retrying', async () => {
    const { node, sleeps } = await run('cve_details', { cveId: 'CVE-2099-0001' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'NOT_FOUND', message: 'NVD has no record of CVE-2099-0001 (totalResults 0)' });
    expect(sleeps).toEqual([]);
  });

  it("refuses a wrong key with AUTH and NVD's message header (404 Invalid apiKey.)", async () => {
    const { node, sleeps } = await run('cve_details', { cveId: V.cve }, {}, { ...credentials(), apiKey: 'wrong-key' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'AUTH', status: 404, message: 'NVD 404 Invalid apiKey.' });
    expect(sleeps).toEqual([]);
  });

  it("treats NVD's throttling 403 as RATE_LIMITED, waits NVD's advised 6 s and succeeds", async () => {
    const throttled = nvdTwin.rateLimited(0);
    await fault({ status: throttled.status, body: throttled.body, headers: throttled.headers, times: 1 });
    const { node, sleeps } = await run('cve_details', { cveId: V.cve });
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(2);
    expect(sleeps).toEqual([6000]);
  });

  it('gives up with RATE_LIMITED and the firewall text when throttling persists', async () => {
    await rateLimit({ budget: 0 });
    const { node, sleeps } = await run('cve_details', { cveId: V.cve });
    expect(node.error).toMatchObject({ code: 'RATE_LIMITED', status: 403, message: 'NVD 403 Request forbidden by administrative rules.' });
    expect(sleeps).toEqual([6000, 6000]);
  });

  it('honours Retry-After on a 429 and then succeeds', async () => {
    await fault({ status: 429, headers: { 'retry-after': '2' }, body: '', times: 1 });
    const { node, sleeps } = await run('cve_details', { cveId: V.cve });
    expect(node.status).toBe('succeeded');
    expect(sleeps).toEqual([2000]);
  });

  it("surfaces NVD's message header on a refused parameter (404 → BAD_REQUEST) and on a 503", async () => {
    await fault({ status: 404, headers: { message: 'Invalid cveId parameter.' }, body: '', times: 1 });
    const refused = await run('cve_details', { cveId: V.cve });
    expect(refused.node.error).toMatchObject({ code: 'BAD_REQUEST', status: 404, message: 'NVD 404 Invalid cveId parameter.' });
    expect(refused.sleeps).toEqual([]);

    await fault({ status: 503, headers: { message: 'Service is temporarily unavailable.' }, body: '' });
    const down = await run('cve_details', { cveId: V.cve });
    expect(down.node.error).toMatchObject({ code: 'VENDOR', status: 503, message: 'NVD 503 Service is temporarily unavailable.' });
    expect(down.sleeps).toEqual([500, 1000]);
  });

  it('serves paged listings and refuses resultsPerPage over 2000 the way NVD does', async () => {
    const page = await fetch(`${twin().url}/rest/json/cves/2.0?resultsPerPage=1&startIndex=1`);
    expect(await page.json()).toMatchObject({ resultsPerPage: 1, startIndex: 1, totalResults: 2, vulnerabilities: [{ cve: { id: V.minor.cve } }] });
    const tooMany = await fetch(`${twin().url}/rest/json/cves/2.0?resultsPerPage=5000`);
    expect(tooMany.status).toBe(404);
    expect(tooMany.headers.get('message')).toBe('Invalid resultsPerPage parameter.');
  });
});

describe('nvd pure helpers', () => {
  const metric = (version: string, baseScore: number, type = 'Primary', extra: Record<string, unknown> = {}) => ({ source: 'nvd@nist.gov', type, cvssData: { version, baseScore, vectorString: `v${version}`, baseSeverity: 'HIGH' }, ...extra });

  it('prefers v3.1, then v4.0, v3.0, v2; NVD Primary over a CNA Secondary', () => {
    expect(pickCvss({ cvssMetricV31: [metric('3.1', 9.1, 'Secondary'), metric('3.1', 9.8)], cvssMetricV40: [metric('4.0', 9.3)] })).toMatchObject({ version: '3.1', baseScore: 9.8, type: 'Primary' });
    expect(pickCvss({ cvssMetricV40: [metric('4.0', 9.3, 'Secondary')], cvssMetricV30: [metric('3.0', 8.8)] })).toMatchObject({ version: '4.0', baseScore: 9.3 });
    expect(pickCvss({ cvssMetricV30: [metric('3.0', 8.8)], cvssMetricV2: [metric('2.0', 7.5)] })).toMatchObject({ version: '3.0', baseScore: 8.8 });
  });

  it("reads v2's baseSeverity from beside cvssData, and is null for an unscored record", () => {
    const v2 = { source: 'nvd@nist.gov', type: 'Primary', cvssData: { version: '2.0', baseScore: 5, vectorString: 'AV:N/AC:L/Au:N/C:P/I:N/A:N' }, baseSeverity: 'MEDIUM' };
    expect(pickCvss({ cvssMetricV2: [v2] })).toEqual({ version: '2.0', baseScore: 5, baseSeverity: 'MEDIUM', vectorString: 'AV:N/AC:L/Au:N/C:P/I:N/A:N', source: 'nvd@nist.gov', type: 'Primary' });
    expect(pickCvss({})).toBeNull();
    expect(pickCvss(undefined)).toBeNull();
  });

  it('lists distinct CWE ids without the NVD placeholders, and patch links once', () => {
    const cve = {
      id: 'CVE-2024-0001',
      weaknesses: [{ description: [{ lang: 'en', value: 'CWE-79' }, { lang: 'en', value: 'NVD-CWE-noinfo' }] }, { description: [{ lang: 'en', value: 'CWE-79' }] }],
      references: [{ url: 'https://a.example/fix', tags: ['Patch'] }, { url: 'https://a.example/fix', tags: ['Vendor Advisory'] }, { url: 'https://b.example', tags: ['Exploit'] }],
    };
    expect(cweIds(cve)).toEqual(['CWE-79']);
    expect(patchLinks(cve)).toEqual(['https://a.example/fix']);
  });

  it("maps NVD's statuses: key problems are AUTH, other 403s throttling, 404s with a message refused parameters", () => {
    expect(nvdErrorCode(404, 'Invalid apiKey.')).toBe('AUTH');
    expect(nvdErrorCode(403, 'Invalid apiKey.')).toBe('AUTH');
    expect(nvdErrorCode(403, undefined)).toBe('RATE_LIMITED');
    expect(nvdErrorCode(404, 'Invalid startIndex parameter.')).toBe('BAD_REQUEST');
    expect(nvdErrorCode(404, undefined)).toBeUndefined();
    expect(nvdErrorCode(503, 'busy')).toBeUndefined();
  });
});
