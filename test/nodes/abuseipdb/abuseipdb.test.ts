import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { scenario } from '../../../lab/scenario.ts';
import { abuseipdbLabCredentials, abuseipdbTwin, LAB_REPORTER_ID } from '../../../lab/twins/abuseipdb.ts';
import { abuseipdbConnector } from '../../../nodes/abuseipdb/index.ts';
import type { CheckData } from '../../../nodes/abuseipdb/index.ts';
import { useTwin } from '../../support/twin-fixture.ts';

const { twin, credentials, run, simulate, fault, rateLimit } = useTwin(abuseipdbConnector, abuseipdbTwin, abuseipdbLabCredentials);

type CheckOutput = CheckData & { malicious: boolean; permalink: string };

describe('abuseipdb connector against its twin', () => {
  it('points the lab credential at the twin under the /api/v2 root, with the key as the only secret', () => {
    expect(credentials()['baseUrl']).toBe(`${twin().url}/api/v2`);
    expect(abuseipdbConnector.secretFields).toEqual(['apiKey']);
    expect(abuseipdbConnector.specs.map((s) => `${s.action}:${s.effect}`)).toEqual(['check_ip:read', 'report_ip:write']);
  });

  it('checks the suspicious-login IP: listed as abusive, a Tor exit, malicious', async () => {
    const { node } = await run('check_ip', { ipAddress: scenario.login.maliciousIp });
    expect(node.status).toBe('succeeded');
    const out = node.output as CheckOutput;
    expect(out).toMatchObject({
      ipAddress: scenario.login.maliciousIp,
      isPublic: true,
      ipVersion: 4,
      abuseConfidenceScore: 100,
      countryCode: scenario.login.country,
      isTor: true,
      totalReports: 6,
      numDistinctUsers: 6,
      malicious: true,
      permalink: `https://www.abuseipdb.com/check/${scenario.login.maliciousIp}`,
    });
    expect(out.lastReportedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    expect(out).not.toHaveProperty('reports');
    expect(out).not.toHaveProperty('countryName');
  });

  it("declares check_ip's output schema, which its example and the twin's answers (plain and verbose) match field for field", async () => {
    const spec = abuseipdbConnector.specs.find((s) => s.action === 'check_ip');
    const schema = spec?.output as z.ZodObject;
    const plain = (await run('check_ip', { ipAddress: scenario.login.maliciousIp })).node.output;
    const verbose = (await run('check_ip', { ipAddress: scenario.login.maliciousIp, verbose: true })).node.output;
    for (const output of [spec?.example, plain, verbose]) {
      expect(schema.safeParse(output).success).toBe(true);
      expect(Object.keys(output as object).filter((key) => !Object.hasOwn(schema.shape, key))).toEqual([]);
    }
  });

  it('sends verbose and maxAgeInDays, returning the individual reports', async () => {
    const { node } = await run('check_ip', { ipAddress: scenario.login.maliciousIp, verbose: true, maxAgeInDays: 90 });
    const out = node.output as CheckOutput;
    expect(out.countryName).toBe('Romania');
    expect(out.reports).toHaveLength(6);
    expect(out.reports?.[0]).toMatchObject({ categories: [18, 22], reporterCountryCode: 'DE' });
  });

  it('checks the benign IP as clean, and applies the threshold', async () => {
    const { node } = await run('check_ip', { ipAddress: scenario.login.benignIp });
    expect(node.output).toMatchObject({ abuseConfidenceScore: 0, totalReports: 0, lastReportedAt: null, isTor: false, malicious: false });
    const strict = await run('check_ip', { ipAddress: scenario.login.maliciousIp, threshold: 100 });
    expect(strict.node.output).toMatchObject({ malicious: true });
  });

  it('reports an IP, after which a check shows the report', async () => {
    const comment = 'Switchboard: suspicious SSO login for alice@corp.example';
    const { node } = await run('report_ip', { ip: scenario.login.benignIp, categories: [18, 21], comment });
    expect(node.status).toBe('succeeded');
    expect(node.output).toEqual({ ipAddress: scenario.login.benignIp, abuseConfidenceScore: 20 });
    expect(twin().state().reports[scenario.login.benignIp]).toHaveLength(1);

    const check = await run('check_ip', { ipAddress: scenario.login.benignIp, verbose: true });
    const out = check.node.output as CheckOutput;
    expect(out).toMatchObject({ totalReports: 1, numDistinctUsers: 1, abuseConfidenceScore: 20 });
    expect(out.lastReportedAt).not.toBeNull();
    expect(out.reports?.[0]).toMatchObject({ categories: [18, 21], comment, reporterId: LAB_REPORTER_ID });
  });

  it('accepts categories as the vendor\'s comma-separated string', async () => {
    const { node } = await run('report_ip', { ip: scenario.login.maliciousIp, categories: '18,22' });
    expect(node.status).toBe('succeeded');
    expect(twin().state().reports[scenario.login.maliciousIp]?.[0]).toMatchObject({ categories: [18, 22], reporterId: LAB_REPORTER_ID });
  });

  it('fails a second report within 15 minutes with the vendor message, without retrying the 429', async () => {
    await run('report_ip', { ip: scenario.login.maliciousIp, categories: [18] });
    const { node, sleeps } = await run('report_ip', { ip: scenario.login.maliciousIp, categories: [18] });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'BAD_REQUEST', status: 429 });
    expect(node.error?.message).toBe(`AbuseIPDB 429 You can only report the same IP address (\`${scenario.login.maliciousIp}\`) once in 15 minutes.`);
    expect(sleeps).toEqual([]);
  });

  it('refuses a wrong key with AUTH and the vendor message', async () => {
    const { node, sleeps } = await run('check_ip', { ipAddress: scenario.login.maliciousIp }, {}, { ...credentials(), apiKey: 'wrong-key' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'AUTH', status: 401 });
    expect(node.error?.message).toBe('AbuseIPDB 401 Authentication failed. Your API key is either missing, incorrect, or revoked. Note: The APIv2 key differs from the APIv1 key.');
    expect(sleeps).toEqual([]);
  });

  it('honours Retry-After on the daily-quota 429 and then succeeds', async () => {
    const limited = abuseipdbTwin.rateLimited(2);
    expect(Object.keys(limited.headers ?? {})).toEqual(['Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']);
    await fault({ status: 429, headers: limited.headers, body: limited.body, times: 1 });
    const { node, sleeps } = await run('check_ip', { ipAddress: scenario.login.maliciousIp });
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(2);
    expect(sleeps).toEqual([2000]);
  });

  it('gives up with RATE_LIMITED and the quota message when the budget stays spent', async () => {
    await rateLimit({ budget: 0, retryAfterSeconds: 3 });
    const { node, sleeps } = await run('check_ip', { ipAddress: scenario.login.maliciousIp });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(node.error?.message).toBe('AbuseIPDB 429 Daily rate limit of 1000 requests exceeded for this endpoint. See headers for additional details.');
    expect(sleeps).toEqual([3000, 3000]);
  });

  it("surfaces the vendor's own message for a refused parameter", async () => {
    const { node, sleeps } = await run('report_ip', { ip: scenario.login.maliciousIp, categories: [99] });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'BAD_REQUEST', status: 422, message: 'AbuseIPDB 422 The categories field is invalid.' });
    expect(sleeps).toEqual([]);
  });

  it('retries a 500 and surfaces its message when it persists', async () => {
    await fault({ path: '^/api/v2/check', status: 500, body: { errors: [{ detail: 'Internal server error.', status: 500 }] } });
    const { node, sleeps } = await run('check_ip', { ipAddress: scenario.login.benignIp });
    expect(node.error).toMatchObject({ code: 'VENDOR', status: 500, message: 'AbuseIPDB 500 Internal server error.' });
    expect(sleeps).toEqual([500, 1000]);
  });

  it('simulates report_ip in a dry run: its example, and nothing reaches AbuseIPDB', async () => {
    await simulate('report_ip', { ip: scenario.login.maliciousIp, categories: [18] });
    expect(twin().requests).toEqual([]);
    expect(twin().state().reports[scenario.login.maliciousIp]).toHaveLength(6);
  });
});
