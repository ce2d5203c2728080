import { describe, expect, it } from 'vitest';
import { scenario } from '../../../lab/scenario.ts';
import { virustotalLabCredentials, virustotalTwin } from '../../../lab/twins/virustotal.ts';
import { virustotalConnector } from '../../../nodes/virustotal/index.ts';
import { urlId } from '../../../nodes/virustotal/summary.ts';
import type { ReportSummary } from '../../../nodes/virustotal/summary.ts';
import { useTwin } from '../../support/twin-fixture.ts';

const { twin, credentials, run, simulate, fault, rateLimit } = useTwin(virustotalConnector, virustotalTwin, virustotalLabCredentials);

describe('virustotal connector against its twin', () => {
  it('points the lab credential at the twin under the /api/v3 root', () => {
    expect(credentials()['baseUrl']).toBe(`${twin().url}/api/v3`);
  });

  it('reports the suspicious-login IP as malicious, with the engines that flagged it', async () => {
    const { node } = await run('ip_report', { ip: scenario.login.maliciousIp });
    expect(node.status).toBe('succeeded');
    const out = node.output as ReportSummary;
    expect(out).toMatchObject({ id: scenario.login.maliciousIp, type: 'ip_address', malicious: true, verdict: 'malicious', detections: 9, engines: 12 });
    expect(out.last_analysis_stats).toEqual({ harmless: 1, malicious: 9, suspicious: 1, undetected: 1, timeout: 0 });
    expect(out.attributes).toMatchObject({ country: scenario.login.country, asn: 64500 });
    expect(out.attributes).not.toHaveProperty('last_analysis_results');
    expect(out.flagged_by).toHaveLength(10);
    expect(out.permalink).toBe(`https://www.virustotal.com/gui/ip-address/${scenario.login.maliciousIp}`);
    expect(twin().requests).toEqual([{ method: 'GET', path: `/api/v3/ip_addresses/${scenario.login.maliciousIp}` }]);
  });

  it('reports the benign IP as harmless, and an unseen address with empty stats', async () => {
    const benign = await run('ip_report', { ip: scenario.login.benignIp });
    expect(benign.node.output).toMatchObject({ malicious: false, verdict: 'harmless', detections: 0 });
    const unseen = await run('ip_report', { ip: '192.0.2.77' });
    expect(unseen.node.output).toMatchObject({ malicious: false, verdict: 'undetected', engines: 0 });
  });

  it('lets the threshold decide how many engines make it malicious', async () => {
    const { node } = await run('ip_report', { ip: scenario.login.maliciousIp, threshold: 10 });
    expect(node.output).toMatchObject({ malicious: false, verdict: 'suspicious', detections: 9 });
  });

  it('reports the phishing domain as malicious and the clean one as harmless', async () => {
    const bad = await run('domain_report', { domain: 'PAYPA1-SECURE.com' });
    expect(bad.node.output).toMatchObject({ id: 'paypa1-secure.com', type: 'domain', malicious: true });
    expect((bad.node.output as ReportSummary).attributes['registrar']).toBe('NameCheap, Inc.');
    const clean = await run('domain_report', { domain: new URL(scenario.phishing.cleanUrl).hostname });
    expect(clean.node.output).toMatchObject({ malicious: false, verdict: 'harmless' });
  });

  it('looks URLs up by their unpadded base64url identifier', async () => {
    const bad = await run('url_report', { url: scenario.phishing.maliciousUrl });
    expect(bad.node.output).toMatchObject({ type: 'url', malicious: true, verdict: 'malicious' });
    expect((bad.node.output as ReportSummary).attributes['url']).toBe(scenario.phishing.maliciousUrl);
    expect(twin().requests[0]?.path).toBe(`/api/v3/urls/${urlId(scenario.phishing.maliciousUrl)}`);
    expect(twin().requests[0]?.path).not.toContain('=');
    const clean = await run('url_report', { url: scenario.phishing.cleanUrl });
    expect(clean.node.output).toMatchObject({ malicious: false, verdict: 'harmless' });
  });

  it('finds the attachment by MD5, SHA-1 or SHA-256, always under its SHA-256 id', async () => {
    const { md5, sha1, sha256 } = scenario.phishing.attachment;
    for (const id of [md5, sha1, sha256.toUpperCase()]) {
      const { node } = await run('file_report', { id });
      expect(node.status).toBe('succeeded');
      expect(node.output).toMatchObject({ id: sha256, type: 'file', malicious: true, detections: 11 });
      expect((node.output as ReportSummary).attributes).toMatchObject({ meaningful_name: scenario.phishing.attachment.name, md5, sha1 });
    }
  });

  it('reports a hash VirusTotal has never seen as found: false, verdict unknown, not as a failure', async () => {
    const unknown = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const { node } = await run('file_report', { id: unknown });
    expect(node.status).toBe('succeeded');
    expect(node.output).toMatchObject({ id: unknown, type: 'file', found: false, malicious: false, verdict: 'unknown', detections: 0 });
  });

  it('gives the vendor not-found answer for an unknown hash with failIfUnknown, without retrying', async () => {
    const unknown = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const { node, sleeps } = await run('file_report', { id: unknown, failIfUnknown: true });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(node.error?.message).toBe(`VirusTotal 404 NotFoundError: File "${unknown}" not found`);
    expect(sleeps).toEqual([]);
  });

  it('submits a URL, returning the analysis id, after which the URL has a report (a page on the phishing host scans malicious)', async () => {
    const url = 'http://paypa1-secure.com/account/update';
    const before = await run('url_report', { url });
    expect(before.node.output).toMatchObject({ found: false, verdict: 'unknown' });

    const { node } = await run('submit_url', { url });
    expect(node.status).toBe('succeeded');
    const out = node.output as { id: string; type: string; url: string; url_id: string; links: { self: string } };
    expect(out).toMatchObject({ type: 'analysis', url, url_id: urlId(url) });
    expect(out.id).toMatch(/^u-[0-9a-f]{64}-\d+$/);
    expect(Object.keys(twin().state().analyses)).toEqual([out.id]);

    const analysis = (await fetch(out.links.self, { headers: { 'x-apikey': virustotalLabCredentials.apiKey } }).then((r) => r.json())) as { data: unknown };
    expect(analysis.data).toMatchObject({ id: out.id, type: 'analysis', attributes: { status: 'completed' } });
    const after = await run('url_report', { url });
    expect(after.node.status).toBe('succeeded');
    expect(after.node.output).toMatchObject({ type: 'url', malicious: true, verdict: 'malicious' });

    const clean = await run('submit_url', { url: 'https://www.wikipedia.org/wiki/Phishing' });
    const cleanReport = await run('url_report', { url: (clean.node.output as { url: string }).url });
    expect(cleanReport.node.output).toMatchObject({ malicious: false, verdict: 'harmless' });
  });

  it('refuses a wrong API key with AUTH and the vendor message, never echoing the key', async () => {
    const { node, sleeps } = await run('ip_report', { ip: scenario.login.maliciousIp }, {}, { ...credentials(), apiKey: 'not-the-key' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'AUTH', status: 401 });
    expect(node.error?.message).toBe('VirusTotal 401 WrongCredentialsError: Wrong API key');
    expect(sleeps).toEqual([]);
  });

  it('honours Retry-After on a 429 and then succeeds', async () => {
    await fault({ status: 429, headers: { 'retry-after': '2' }, body: virustotalTwin.rateLimited(2).body, times: 1 });
    const { node, sleeps } = await run('ip_report', { ip: scenario.login.maliciousIp });
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(2);
    expect(sleeps).toContain(2000);
  });

  it("retries VirusTotal's own 429 (QuotaExceededError, no headers) with backoff", async () => {
    const quota = virustotalTwin.rateLimited(1);
    expect(quota.headers).toBeUndefined();
    await fault({ status: quota.status, body: quota.body, times: 1 });
    const { node, sleeps } = await run('url_report', { url: scenario.phishing.maliciousUrl });
    expect(node.status).toBe('succeeded');
    expect(sleeps).toEqual([500]);
  });

  it('stops after the lab rate-limit budget with the QuotaExceededError message', async () => {
    await rateLimit({ budget: 0 });
    const { node } = await run('ip_report', { ip: scenario.login.maliciousIp });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('RATE_LIMITED');
    expect(node.error?.message).toMatch(/^VirusTotal 429 QuotaExceededError: You have exceeded one of your quotas/);
  });

  it("surfaces the vendor's own message for a refused argument", async () => {
    const { node, sleeps } = await run('domain_report', { domain: 'not a domain!' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
    expect(node.error?.message).toBe('VirusTotal 400 InvalidArgumentError: Domain "not a domain!" is not a valid domain name');
    expect(sleeps).toEqual([]);
  });

  it('retries a transient 500 and surfaces its message when it persists', async () => {
    await fault({ path: '^/api/v3/files/', status: 500, body: { error: { code: 'TransientError', message: 'Transient server error. Retry might work.' } } });
    const { node, sleeps } = await run('file_report', { id: scenario.phishing.attachment.md5 });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'VENDOR', status: 500, message: 'VirusTotal 500 TransientError: Transient server error. Retry might work.' });
    expect(sleeps).toHaveLength(2);
  });

  it('rejects a malformed hash before calling VirusTotal', async () => {
    const { node } = await run('file_report', { id: 'xyz' });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('INVALID_INPUT');
    expect(twin().requests).toEqual([]);
  });

  it('simulates submit_url in a dry run: its example, and nothing reaches VirusTotal', async () => {
    await simulate('submit_url', { url: 'http://paypa1-secure.com/x' });
    expect(twin().requests).toEqual([]);
    expect(twin().state().analyses).toEqual({});
  });

  it('still runs the reads in a dry run', async () => {
    const { node } = await run('ip_report', { ip: scenario.login.maliciousIp }, { dryRun: true });
    expect(node.status).toBe('succeeded');
    expect(twin().requests).toHaveLength(1);
  });
});
