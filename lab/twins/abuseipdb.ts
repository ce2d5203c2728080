import { isIP } from 'node:net';
import { scenario } from '../scenario.ts';
import type { TwinDefinition, TwinRequest, TwinResponse } from '../twin.ts';

/**
 * AbuseIPDB API v2 twin (docs.abuseipdb.com): `GET /api/v2/check` and `POST /api/v2/report`, the
 * `Key` header, JSON:API-style `{ errors: [{ detail, status }] }` bodies, the daily-quota 429 with
 * `Retry-After` and `X-RateLimit-*`, and the 15-minute rule on reporting the same IP again.
 */

interface Report {
  reportedAt: string;
  comment: string;
  categories: number[];
  reporterId: number;
  reporterCountryCode: string;
  reporterCountryName: string;
}

interface IpProfile {
  countryCode: string | null;
  countryName: string | null;
  usageType: string | null;
  isp: string | null;
  domain: string | null;
  hostnames: string[];
  isTor: boolean;
  isWhitelisted: boolean | null;
}

export interface AbuseIpdbState {
  /** Geolocation and ownership of the addresses the scenario knows. */
  profiles: Record<string, IpProfile>;
  /** Reports per IP, newest first. */
  reports: Record<string, Report[]>;
}

/** The API key the twin accepts. */
export const abuseipdbLabCredentials = { apiKey: 'lab-abuseipdb-key' };

/** The lab account's reporter id, on reports filed through the API. */
export const LAB_REPORTER_ID = 4242;

const DAY = 86_400_000;
const DUPLICATE_WINDOW_MS = 15 * 60_000;
const DAILY_LIMIT = 1000;
/** AbuseIPDB's categories are numbered 1–23 (www.abuseipdb.com/categories). */
const MAX_CATEGORY = 23;

const UNKNOWN: IpProfile = { countryCode: null, countryName: null, usageType: null, isp: null, domain: null, hostnames: [], isTor: false, isWhitelisted: false };

function seededReports(now: number): Report[] {
  const reporters: Array<[string, string]> = [['DE', 'Germany'], ['US', 'United States of America'], ['NL', 'Netherlands'], ['FR', 'France'], ['GB', 'United Kingdom of Great Britain and Northern Ireland'], ['CA', 'Canada']];
  const lines = ['SSH brute force: 212 failed logins for root', 'Credential stuffing against /login (Okta-style SSO)', 'Port scan 22,23,3389', 'Web app attack: /wp-login.php', 'Failed password for invalid user admin', 'Tor exit node: repeated login attempts'];
  return reporters.map(([code, name], i) => ({
    reportedAt: iso(now - (i * 3 + 2) * 3_600_000),
    comment: lines[i] ?? '',
    categories: i % 2 === 0 ? [18, 22] : [18, 21],
    reporterId: 100 + i,
    reporterCountryCode: code,
    reporterCountryName: name,
  }));
}

function initialState(): AbuseIpdbState {
  return {
    profiles: {
      [scenario.login.maliciousIp]: {
        countryCode: scenario.login.country,
        countryName: 'Romania',
        usageType: 'Data Center/Web Hosting/Transit',
        isp: 'Relay Hosting SRL',
        domain: 'relayhosting.example',
        hostnames: ['tor-exit-45.relayhosting.example'],
        isTor: true,
        isWhitelisted: false,
      },
      [scenario.login.benignIp]: { countryCode: 'US', countryName: 'United States of America', usageType: 'Fixed Line ISP', isp: 'Example Net', domain: 'example.net', hostnames: [], isTor: false, isWhitelisted: false },
    },
    reports: { [scenario.login.maliciousIp]: seededReports(Date.now()) },
  };
}

/** AbuseIPDB's timestamps: ISO 8601 with a `+00:00` offset. */
function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function errors(status: number, detail: string, parameter?: string): TwinResponse {
  return { status, body: { errors: [{ detail, status, ...(parameter ? { source: { parameter } } : {}) }] } };
}

const INVALID_IP = 'The ip address must be a valid IPv4 or IPv6 address (e.g. 8.8.8.8 or 2001:4860:4860::8888).';

function isPublic(ip: string): boolean {
  if (isIP(ip) === 6) return !/^(::1$|fc|fd|fe80)/i.test(ip);
  return !/^(10\.|127\.|169\.254\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|0\.)/.test(ip);
}

/**
 * The score the lab derives from recent reports: a fifth per distinct reporter, a quarter more for a
 * Tor exit, capped at 100 (AbuseIPDB's own formula is not public); whitelisted addresses score 0.
 */
function scoreOf(profile: IpProfile, recent: Report[]): number {
  if (profile.isWhitelisted === true || recent.length === 0) return 0;
  const reporters = new Set(recent.map((r) => r.reporterId)).size;
  return Math.min(100, reporters * 20 + (profile.isTor ? 25 : 0));
}

function recentReports(state: AbuseIpdbState, ip: string, maxAgeInDays: number, now: number): Report[] {
  return (state.reports[ip] ?? []).filter((r) => now - Date.parse(r.reportedAt) <= maxAgeInDays * DAY);
}

function check(req: TwinRequest, state: AbuseIpdbState): TwinResponse {
  const ip = req.query.get('ipAddress') ?? '';
  if (isIP(ip) === 0) return errors(422, INVALID_IP, 'ipAddress');
  const rawAge = req.query.get('maxAgeInDays');
  const maxAgeInDays = rawAge === null ? 30 : Number(rawAge);
  if (!Number.isInteger(maxAgeInDays) || maxAgeInDays < 1 || maxAgeInDays > 365) return errors(422, 'The max age in days must be between 1 and 365.', 'maxAgeInDays');
  const verbose = req.query.has('verbose');
  const profile = state.profiles[ip] ?? UNKNOWN;
  const recent = recentReports(state, ip, maxAgeInDays, Date.now());
  const { countryName, ...rest } = profile;
  const data: Record<string, unknown> = {
    ipAddress: ip,
    isPublic: isPublic(ip),
    ipVersion: isIP(ip),
    isWhitelisted: rest.isWhitelisted,
    abuseConfidenceScore: scoreOf(profile, recent),
    countryCode: rest.countryCode,
    ...(verbose ? { countryName } : {}),
    usageType: isPublic(ip) ? rest.usageType : 'Reserved',
    isp: rest.isp,
    domain: rest.domain,
    hostnames: rest.hostnames,
    isTor: rest.isTor,
    totalReports: recent.length,
    numDistinctUsers: new Set(recent.map((r) => r.reporterId)).size,
    lastReportedAt: recent[0]?.reportedAt ?? null,
    ...(verbose ? { reports: recent } : {}),
  };
  return { body: { data } };
}

function report(req: TwinRequest, state: AbuseIpdbState): TwinResponse {
  const form = (req.body ?? {}) as Record<string, unknown>;
  const ip = typeof form['ip'] === 'string' ? form['ip'] : '';
  if (isIP(ip) === 0) return errors(422, INVALID_IP, 'ip');
  const categories = String(form['categories'] ?? '').split(',').filter((c) => c !== '').map(Number);
  if (categories.length === 0 || categories.length > 30 || categories.some((c) => !Number.isInteger(c) || c < 1 || c > MAX_CATEGORY)) {
    return errors(422, 'The categories field is invalid.', 'categories');
  }
  const now = Date.now();
  const mine = (state.reports[ip] ?? []).find((r) => r.reporterId === LAB_REPORTER_ID);
  if (mine !== undefined && now - Date.parse(mine.reportedAt) < DUPLICATE_WINDOW_MS) {
    return errors(429, `You can only report the same IP address (\`${ip}\`) once in 15 minutes.`, 'ip');
  }
  const reportedAt = typeof form['timestamp'] === 'string' && !Number.isNaN(Date.parse(form['timestamp'])) ? iso(Date.parse(form['timestamp'])) : iso(now);
  const entry: Report = { reportedAt, comment: typeof form['comment'] === 'string' ? form['comment'] : '', categories, reporterId: LAB_REPORTER_ID, reporterCountryCode: 'US', reporterCountryName: 'United States of America' };
  state.reports[ip] = [entry, ...(state.reports[ip] ?? [])].sort((a, b) => Date.parse(b.reportedAt) - Date.parse(a.reportedAt));
  const score = scoreOf(state.profiles[ip] ?? UNKNOWN, recentReports(state, ip, 30, now));
  return { body: { data: { ipAddress: ip, abuseConfidenceScore: score } } };
}

export const abuseipdbTwin: TwinDefinition<AbuseIpdbState> = {
  id: 'abuseipdb',
  name: 'AbuseIPDB',
  initialState,
  authenticate: (req) => {
    if (req.headers['key'] === abuseipdbLabCredentials.apiKey) return undefined;
    return errors(401, 'Authentication failed. Your API key is either missing, incorrect, or revoked. Note: The APIv2 key differs from the APIv1 key.');
  },
  rateLimited: (retryAfterSeconds) => ({
    ...errors(429, `Daily rate limit of ${DAILY_LIMIT} requests exceeded for this endpoint. See headers for additional details.`),
    headers: {
      'Retry-After': String(retryAfterSeconds),
      'X-RateLimit-Limit': String(DAILY_LIMIT),
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) + retryAfterSeconds),
    },
  }),
  notFound: () => errors(404, 'The requested resource could not be found.'),
  routes: [
    { method: 'GET', path: '/api/v2/check', handler: check },
    { method: 'POST', path: '/api/v2/report', handler: report },
  ],
};
