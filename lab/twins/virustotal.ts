import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { knownBadUrls, scenario } from '../scenario.ts';
import type { TwinDefinition, TwinRequest, TwinResponse } from '../twin.ts';

/**
 * VirusTotal API v3 twin (docs.virustotal.com/reference): `/api/v3/ip_addresses/{ip}`,
 * `/domains/{domain}`, `/urls/{id}` (base64url or SHA-256 id), `/files/{md5|sha1|sha256}`,
 * `POST /urls` and `GET /analyses/{id}`. Auth is the `x-apikey` header; errors are
 * `{ error: { code, message } }`. VirusTotal documents no rate-limit headers, so its 429 has none.
 */

type Category = 'malicious' | 'suspicious' | 'harmless' | 'undetected';

interface EngineResult {
  category: Category;
  engine_name: string;
  method: string;
  result: string | null;
}

type Attributes = Record<string, unknown>;

interface Analysis {
  id: string;
  url: string;
  date: number;
  status: 'queued' | 'in-progress' | 'completed';
}

export interface VirusTotalState {
  ips: Record<string, Attributes>;
  domains: Record<string, Attributes>;
  /** Keyed by the URL as submitted. */
  urls: Record<string, Attributes>;
  /** Keyed by SHA-256; MD5 and SHA-1 resolve through the attributes. */
  files: Record<string, Attributes>;
  analyses: Record<string, Analysis>;
}

/** The API key the twin accepts. */
export const virustotalLabCredentials = { apiKey: 'lab-virustotal-key' };

const URL_ENGINES = ['Kaspersky', 'BitDefender', 'Fortinet', 'ESET', 'Sophos', 'Google Safebrowsing', 'Forcepoint ThreatSeeker', 'Webroot', 'CRDF', 'Emsisoft', 'G-Data', 'Netcraft'];
const FILE_ENGINES = ['Kaspersky', 'BitDefender', 'ESET-NOD32', 'Microsoft', 'Sophos', 'CrowdStrike', 'SentinelOne', 'Symantec', 'TrendMicro', 'McAfee', 'Avast', 'ClamAV'];

const epoch = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
const LOGIN = epoch(scenario.login.time);
const RECEIVED = epoch(scenario.phishing.receivedAt);
const MALICIOUS_HOST = new URL(scenario.phishing.maliciousUrl).hostname;
const CLEAN_HOST = new URL(scenario.phishing.cleanUrl).hostname;

/** Per-engine results: the first `malicious` engines flag it, the next `suspicious` doubt it, the rest vouch or abstain. */
function engineResults(engines: readonly string[], counts: { malicious: number; suspicious: number; harmless: number }, verdicts: { malicious: string; suspicious: string }): Record<string, EngineResult> {
  const results: Record<string, EngineResult> = {};
  engines.forEach((engine, i) => {
    const category: Category =
      i < counts.malicious ? 'malicious' : i < counts.malicious + counts.suspicious ? 'suspicious' : i < counts.malicious + counts.suspicious + counts.harmless ? 'harmless' : 'undetected';
    const result = category === 'malicious' ? verdicts.malicious : category === 'suspicious' ? verdicts.suspicious : category === 'harmless' ? 'clean' : 'unrated';
    results[engine] = { category, engine_name: engine, method: 'blacklist', result };
  });
  return results;
}

/** `last_analysis_stats` counted from the per-engine results, so the two always agree. */
function statsOf(results: Record<string, EngineResult>): Record<string, number> {
  const stats: Record<string, number> = { harmless: 0, malicious: 0, suspicious: 0, undetected: 0, timeout: 0 };
  for (const r of Object.values(results)) stats[r.category] = (stats[r.category] ?? 0) + 1;
  return stats;
}

function analysed(results: Record<string, EngineResult>, date: number, reputation: number, extra: Attributes): Attributes {
  return { ...extra, last_analysis_date: date, last_analysis_results: results, last_analysis_stats: statsOf(results), reputation };
}

const MALICIOUS = { malicious: 9, suspicious: 1, harmless: 1 };
const CLEAN = { malicious: 0, suspicious: 0, harmless: 10 };
const URL_VERDICTS = { malicious: 'phishing', suspicious: 'suspicious' };

function urlAttributes(url: string, bad: boolean, date: number): Attributes {
  const results = engineResults(URL_ENGINES, bad ? MALICIOUS : CLEAN, URL_VERDICTS);
  return analysed(results, date, bad ? -12 : 15, {
    url,
    last_final_url: url,
    title: bad ? 'PayPal: Log in to your account' : 'Wikipedia',
    categories: bad ? { 'Forcepoint ThreatSeeker': 'phishing and other frauds', Sophos: 'phishing' } : { 'Forcepoint ThreatSeeker': 'reference materials' },
    first_submission_date: date,
    last_submission_date: date,
    last_http_response_code: 200,
    times_submitted: 1,
    tags: [],
  });
}

function initialState(): VirusTotalState {
  const { attachment } = scenario.phishing;
  const fileResults = engineResults(FILE_ENGINES, { malicious: 11, suspicious: 0, harmless: 0 }, { malicious: 'Trojan.Win32.Agent', suspicious: 'suspicious' });
  return {
    ips: {
      [scenario.login.maliciousIp]: analysed(engineResults(URL_ENGINES, MALICIOUS, { malicious: 'malicious', suspicious: 'suspicious' }), LOGIN - 3600, -42, {
        as_owner: 'Relay Hosting SRL',
        asn: 64500,
        continent: 'EU',
        country: scenario.login.country,
        network: '185.220.101.0/24',
        regional_internet_registry: 'RIPE NCC',
        jarm: '2ad2ad0002ad2ad00042d42d00000069d641f34fe76acdc05c40262f8815e5',
        tags: ['tor'],
      }),
      [scenario.login.benignIp]: analysed(engineResults(URL_ENGINES, CLEAN, URL_VERDICTS), LOGIN - 86_400, 0, {
        as_owner: 'Example Net',
        asn: 64501,
        continent: 'NA',
        country: 'US',
        network: '203.0.113.0/24',
        regional_internet_registry: 'ARIN',
        tags: [],
      }),
    },
    domains: {
      [MALICIOUS_HOST]: analysed(engineResults(URL_ENGINES, MALICIOUS, URL_VERDICTS), RECEIVED - 1800, -31, {
        categories: { 'Forcepoint ThreatSeeker': 'phishing and other frauds', Sophos: 'phishing' },
        creation_date: RECEIVED - 3 * 86_400,
        last_dns_records: [{ type: 'A', value: scenario.login.maliciousIp, ttl: 300 }],
        registrar: 'NameCheap, Inc.',
        tld: 'com',
        tags: [],
      }),
      [CLEAN_HOST]: analysed(engineResults(URL_ENGINES, CLEAN, URL_VERDICTS), RECEIVED - 86_400, 120, {
        categories: { 'Forcepoint ThreatSeeker': 'reference materials' },
        creation_date: 979_084_800,
        last_dns_records: [{ type: 'A', value: '198.51.100.80', ttl: 600 }],
        registrar: 'MarkMonitor Inc.',
        tld: 'org',
        tags: [],
      }),
      [scenario.org.domain]: analysed(engineResults(URL_ENGINES, CLEAN, URL_VERDICTS), RECEIVED - 86_400, 0, {
        categories: { 'Forcepoint ThreatSeeker': 'business and economy' },
        last_dns_records: [],
        tld: 'example',
        tags: [],
      }),
    },
    urls: {
      [scenario.phishing.maliciousUrl]: urlAttributes(scenario.phishing.maliciousUrl, true, RECEIVED - 1800),
      [scenario.phishing.cleanUrl]: urlAttributes(scenario.phishing.cleanUrl, false, RECEIVED - 86_400),
    },
    files: {
      [attachment.sha256]: analysed(fileResults, RECEIVED - 900, -87, {
        md5: attachment.md5,
        sha1: attachment.sha1,
        sha256: attachment.sha256,
        size: attachment.size,
        type_description: 'Win32 EXE',
        type_tag: 'peexe',
        meaningful_name: attachment.name,
        names: [attachment.name, 'invoice.exe'],
        first_submission_date: RECEIVED - 900,
        last_submission_date: RECEIVED - 900,
        times_submitted: 3,
        tags: ['peexe', 'spreader'],
      }),
    },
    analyses: {},
  };
}

/** VirusTotal's error envelope. */
function vtError(status: number, code: string, message: string): TwinResponse {
  return { status, body: { error: { code, message } } };
}

function object(req: TwinRequest, type: string, id: string, collection: string, attributes: Attributes): TwinResponse {
  return { body: { data: { id, type, links: { self: `http://${req.headers.host ?? 'www.virustotal.com'}/api/v3/${collection}/${encodeURIComponent(id)}` }, attributes } } };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Resolves a `/urls/{id}` identifier (unpadded base64url of the URL, or the SHA-256 of it) to a known URL. */
function urlFor(id: string, state: VirusTotalState): string | undefined {
  const known = Object.keys(state.urls);
  if (/^[0-9a-f]{64}$/.test(id)) return known.find((url) => sha256(url) === id);
  const decoded = Buffer.from(id, 'base64url').toString('utf8');
  return known.find((url) => url === decoded || normalised(url) === normalised(decoded));
}

/** The light canonicalisation VirusTotal applies (scheme and host case, a bare host's trailing slash). */
function normalised(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/** The host of a submitted URL (engines judge a page on a known phishing host as phishing). */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/i;

export const virustotalTwin: TwinDefinition<VirusTotalState> = {
  id: 'virustotal',
  name: 'VirusTotal',
  initialState,
  // Source: docs.virustotal.com/reference/errors: error codes and HTTP statuses, 'X-Apikey header is missing',
  // 'URL "…" not found', QuotaExceededError's text; vt-py tests/test_client.py reads the same {error:{code,message}}.
  authenticate: (req) => {
    const key = req.headers['x-apikey'];
    if (key === undefined || key === '') return vtError(401, 'AuthenticationRequiredError', 'X-Apikey header is missing');
    if (key !== virustotalLabCredentials.apiKey) return vtError(401, 'WrongCredentialsError', 'Wrong API key');
    return undefined;
  },
  rateLimited: () => vtError(429, 'QuotaExceededError', 'You have exceeded one of your quotas (minute, daily or monthly). Daily quotas are reset every day at 00:00 UTC.'),
  notFound: (req) => vtError(404, 'NotFoundError', `Resource not found: ${req.path}`),
  routes: [
    {
      method: 'GET',
      path: '/api/v3/ip_addresses/:ip',
      handler: (req, state) => {
        const ip = req.params['ip'] ?? '';
        if (isIP(ip) === 0) return vtError(400, 'InvalidArgumentError', `"${ip}" is not a valid IP address`);
        // VirusTotal answers for every routable address; one it knows nothing about has empty stats.
        const attributes = state.ips[ip] ?? { last_analysis_results: {}, last_analysis_stats: statsOf({}), reputation: 0, tags: [] };
        return object(req, 'ip_address', ip, 'ip_addresses', attributes);
      },
    },
    {
      method: 'GET',
      path: '/api/v3/domains/:domain',
      handler: (req, state) => {
        const domain = (req.params['domain'] ?? '').toLowerCase();
        if (!DOMAIN.test(domain)) return vtError(400, 'InvalidArgumentError', `Domain "${domain}" is not a valid domain name`);
        const attributes = state.domains[domain];
        return attributes ? object(req, 'domain', domain, 'domains', attributes) : vtError(404, 'NotFoundError', `Domain "${domain}" not found`);
      },
    },
    {
      method: 'GET',
      path: '/api/v3/urls/:id',
      handler: (req, state) => {
        const id = req.params['id'] ?? '';
        const url = urlFor(id, state);
        const attributes = url === undefined ? undefined : state.urls[url];
        if (url === undefined || attributes === undefined) return vtError(404, 'NotFoundError', `URL "${id}" not found`);
        return object(req, 'url', sha256(url), 'urls', attributes);
      },
    },
    {
      method: 'GET',
      path: '/api/v3/files/:id',
      handler: (req, state) => {
        const id = (req.params['id'] ?? '').toLowerCase();
        if (!/^([0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/.test(id)) return vtError(400, 'InvalidArgumentError', `Invalid file identifier: "${id}"`);
        const entry = Object.entries(state.files).find(([sha, a]) => sha === id || a['md5'] === id || a['sha1'] === id);
        return entry ? object(req, 'file', entry[0], 'files', entry[1]) : vtError(404, 'NotFoundError', `File "${id}" not found`);
      },
    },
    {
      method: 'POST',
      path: '/api/v3/urls',
      handler: (req, state) => {
        const url = typeof (req.body as { url?: unknown } | undefined)?.url === 'string' ? (req.body as { url: string }).url : '';
        if (url.trim() === '') return vtError(400, 'BadRequestError', 'Missing parameter: url');
        const now = Math.floor(Date.now() / 1000);
        const id = `u-${sha256(url)}-${now}`;
        state.analyses[id] = { id, url, date: now, status: 'completed' };
        // The lab scans instantly: the URL object exists (or is refreshed) as soon as it is submitted.
        const previous = state.urls[url];
        const bad = knownBadUrls.has(url) || hostOf(url) === MALICIOUS_HOST || (previous !== undefined && ((previous['last_analysis_stats'] as Record<string, number>)['malicious'] ?? 0) > 0);
        state.urls[url] = { ...urlAttributes(url, bad, now), first_submission_date: previous?.['first_submission_date'] ?? now, times_submitted: Number(previous?.['times_submitted'] ?? 0) + 1 };
        return { body: { data: { type: 'analysis', id, links: { self: `http://${req.headers.host ?? 'www.virustotal.com'}/api/v3/analyses/${id}` } } } };
      },
    },
    {
      method: 'GET',
      path: '/api/v3/analyses/:id',
      handler: (req, state) => {
        const analysis = state.analyses[req.params['id'] ?? ''];
        if (!analysis) return vtError(404, 'NotFoundError', `Analysis "${req.params['id'] ?? ''}" not found`);
        const attributes = state.urls[analysis.url] ?? {};
        const body = { date: analysis.date, status: analysis.status, stats: attributes['last_analysis_stats'], results: attributes['last_analysis_results'] };
        return { body: { data: { id: analysis.id, type: 'analysis', links: { self: `http://${req.headers.host ?? 'www.virustotal.com'}/api/v3/analyses/${analysis.id}` }, attributes: body }, meta: { url_info: { id: sha256(analysis.url), url: analysis.url } } } };
      },
    },
  ],
};
