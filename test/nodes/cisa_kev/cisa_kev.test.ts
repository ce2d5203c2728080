import { describe, expect, it } from 'vitest';
import { scenario } from '../../../lab/scenario.ts';
import { cisaKevLabCredentials, cisaKevTwin, KEV_PATH } from '../../../lab/twins/cisa-kev.ts';
import { CACHE_TTL_MS, clearKevCache, conditionalHeaders, indexCatalog, isFresh } from '../../../nodes/cisa_kev/catalog.ts';
import { cisaKevConnector } from '../../../nodes/cisa_kev/index.ts';
import type { RunActionOptions } from '../../support/connector-harness.ts';
import { LoopbackClock } from '../../support/loopback-clock.ts';
import { useTwin } from '../../support/twin-fixture.ts';

const { twin, credentials, run, fault } = useTwin(cisaKevConnector, cisaKevTwin, cisaKevLabCredentials);

/** Checks one CVE; `offsetMs` starts the run's clock that much later, to age the cached catalog. */
function check(cveID: string, options: RunActionOptions & { offsetMs?: number } = {}) {
  const { offsetMs, ...rest } = options;
  return run('check_cve', { cveID }, { clock: new LoopbackClock({ startOffsetMs: offsetMs }), ...rest });
}

const V = scenario.vulnerability;

describe('cisa_kev connector against its twin', () => {
  it('needs no secret and no bound credential; the lab points it at the twin', () => {
    expect(credentials()).toEqual({ baseUrl: twin().url });
    expect(cisaKevConnector.secretFields).toEqual([]);
    expect(cisaKevConnector.specs[0]).toMatchObject({ action: 'check_cve', effect: 'read', credentials: { connector: 'cisa_kev', required: false } });
  });

  it("finds the scenario's critical CVE in the catalog, with CISA's entry", async () => {
    const { node } = await check(V.cve.toLowerCase());
    expect(node.status).toBe('succeeded');
    expect(node.output).toEqual({
      cveID: V.cve,
      knownExploited: true,
      entry: {
        cveID: V.cve,
        vendorProject: 'Palo Alto Networks',
        product: 'PAN-OS',
        vulnerabilityName: 'Palo Alto Networks PAN-OS Command Injection Vulnerability',
        dateAdded: '2024-04-12',
        shortDescription: 'Palo Alto Networks PAN-OS GlobalProtect feature contains a command injection vulnerability that allows an unauthenticated attacker to execute commands with root privileges on the firewall.',
        requiredAction: 'Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable.',
        dueDate: '2024-04-19',
        knownRansomwareCampaignUse: 'Unknown',
        notes: `${V.patchUrl}; https://nvd.nist.gov/vuln/detail/${V.cve}`,
        cwes: ['CWE-77'],
      },
      catalogVersion: '2026.11.26',
      dateReleased: '2026-11-26T17:02:11.0000Z',
      count: 4,
    });
  });

  it("reports the scenario's minor CVE as not known exploited, without an entry", async () => {
    const { node } = await check(V.minor.cve);
    expect(node.output).toEqual({ cveID: V.minor.cve, knownExploited: false, catalogVersion: '2026.11.26', dateReleased: '2026-11-26T17:02:11.0000Z', count: 4 });
  });

  it('downloads the catalog once for many checks, sequential or concurrent', async () => {
    for (const cve of [V.cve, V.minor.cve, 'CVE-2021-44228']) expect((await check(cve)).node.status).toBe('succeeded');
    const parallel = await Promise.all(['CVE-2023-4966', 'CVE-2024-21887', 'CVE-2020-0001'].map((cve) => check(cve)));
    expect(parallel.map((r) => (r.node.output as { knownExploited: boolean }).knownExploited)).toEqual([true, true, false]);
    expect(twin().state().downloads).toBe(1);
    expect(twin().requests).toEqual([{ method: 'GET', path: KEV_PATH }]);

    clearKevCache();
    await Promise.all([V.cve, V.minor.cve].map((cve) => check(cve)));
    expect(twin().state().downloads).toBe(2);
  });

  it('revalidates an aged catalog with If-None-Match (304), and takes a changed one', async () => {
    await check(V.cve);
    const aged = await check(V.cve, { offsetMs: CACHE_TTL_MS + 60_000 });
    expect(aged.node.output).toMatchObject({ knownExploited: true, catalogVersion: '2026.11.26' });
    expect(twin().state()).toMatchObject({ downloads: 1, notModified: 1 });

    twin().state().vulnerabilities.unshift({ ...twin().state().vulnerabilities[0]!, cveID: V.minor.cve, dateAdded: '2026-11-27' });
    twin().state().catalogVersion = '2026.11.27';
    const changed = await check(V.minor.cve, { offsetMs: 2 * CACHE_TTL_MS + 120_000 });
    expect(changed.node.output).toMatchObject({ knownExploited: true, catalogVersion: '2026.11.27', count: 5 });
    expect(twin().state()).toMatchObject({ downloads: 2, notModified: 1 });
  });

  it('honours Retry-After on a 429 and then succeeds', async () => {
    const limited = cisaKevTwin.rateLimited(2);
    await fault({ status: 429, headers: limited.headers, body: limited.body, times: 1 });
    const { node, sleeps } = await check(V.cve);
    expect(node.status).toBe('succeeded');
    expect(sleeps).toEqual([2000]);
  });

  it("surfaces the CDN's message on a 5xx after retrying", async () => {
    await fault({ status: 503, body: 'Service Unavailable - Zero size object', headers: { 'content-type': 'text/plain' } });
    const { node, sleeps } = await check(V.cve);
    expect(node.error).toMatchObject({ code: 'VENDOR', status: 503, message: 'CISA KEV 503 Service Unavailable - Zero size object' });
    expect(sleeps).toEqual([500, 1000]);
  });

  it('fails with VENDOR when the feed is not the catalog (e.g. an HTML page with 200)', async () => {
    await fault({ status: 200, body: '<html><body>Maintenance</body></html>', headers: { 'content-type': 'text/html' }, times: 1 });
    const { node } = await check(V.cve, { retry: { maxAttempts: 1 } });
    expect(node.error).toMatchObject({ code: 'VENDOR', message: 'CISA KEV returned an unexpected response: no catalogVersion and vulnerabilities[]' });
  });
});

describe('cisa_kev pure helpers', () => {
  it('keeps a catalog for the TTL', () => {
    expect(isFresh(1_000, 1_000 + CACHE_TTL_MS - 1)).toBe(true);
    expect(isFresh(1_000, 1_000 + CACHE_TTL_MS)).toBe(false);
  });

  it('asks conditionally only with the validators it has', () => {
    expect(conditionalHeaders(undefined)).toEqual({});
    expect(conditionalHeaders({ etag: '"v1"', lastModified: 'Wed, 26 Nov 2026 17:02:11 GMT' })).toEqual({ 'If-None-Match': '"v1"', 'If-Modified-Since': 'Wed, 26 Nov 2026 17:02:11 GMT' });
  });

  it('indexes entries by upper-cased CVE and falls back to their number for count', () => {
    const { meta, byCve } = indexCatalog({ catalogVersion: '1', dateReleased: 'd', vulnerabilities: [{ cveID: 'cve-2020-1' }, { nope: true }] });
    expect(meta).toEqual({ catalogVersion: '1', dateReleased: 'd', count: 1 });
    expect([...byCve.keys()]).toEqual(['CVE-2020-1']);
  });
});
