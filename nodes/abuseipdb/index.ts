import * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';
import { defineConnector } from '../sdk/define-connector.ts';
import type { RunAction } from '../sdk/define-connector.ts';
import { unexpectedResponse } from '../sdk/http-errors.ts';
import { secret } from '../sdk/secrets.ts';

/**
 * AbuseIPDB API v2 (docs.abuseipdb.com). Confirmed against the docs' own source (the Slate pages): the
 * check endpoint's `maxAgeInDays` defaults to 30 and ranges 1–365; errors are JSON:API-style
 * `{ errors: [{ detail, status, source? }] }` (422 for a bad parameter); the daily quota answers 429
 * with `Retry-After`, `X-RateLimit-Limit/-Remaining/-Reset`; reporting the same IP twice within
 * 15 minutes answers 429 with `source.parameter: "ip"`.
 */
export const abuseipdbCredentials = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://api.abuseipdb.com/api/v2')
    .meta({ title: 'Base URL' })
    .describe('API v2 root; change it only to reach a proxy or the lab.'),
  apiKey: secret(z.string().min(1)).meta({ title: 'API key' }).describe('APIv2 key (AbuseIPDB → Account → API), sent as the Key header.'),
});

const ip = z.union([z.ipv4(), z.ipv6()]);

export const checkIpInput = z.strictObject({
  ipAddress: ip.meta({ title: 'IP address' }).describe('IPv4 or IPv6 address to check.'),
  maxAgeInDays: z.int().min(1).max(365).optional().meta({ title: 'Reports from the last (days)' }).describe('Only count reports from the last N days (1–365; AbuseIPDB defaults to 30).'),
  verbose: z.boolean().default(false).meta({ title: 'Include the reports' }).describe('Include the individual reports (`reports[]`) and the country name.'),
  threshold: z
    .int()
    .min(0)
    .max(100)
    .default(75)
    .meta({ title: 'Malicious from score' })
    .describe('abuseConfidenceScore at or above which `malicious` is true.'),
});

export const reportIpInput = z.strictObject({
  ip: ip.meta({ title: 'IP address' }).describe('IPv4 or IPv6 address to report.'),
  categories: z
    .union([z.array(z.int().min(1)).min(1).max(30), z.string().regex(/^\d+(,\d+)*$/, 'must be comma-separated category ids, e.g. 18,22')])
    .meta({ title: 'Categories' })
    .describe('AbuseIPDB category ids (www.abuseipdb.com/categories), e.g. [18, 22] for brute-force over SSH.'),
  comment: z.string().optional().meta({ title: 'Comment' }).describe('What was seen (log lines, timestamps). Strip personal data: reports are public; long comments are truncated.'),
  timestamp: z.iso.datetime({ offset: true }).optional().meta({ title: 'When it happened' }).describe('When the attack happened (ISO 8601); defaults to now.'),
});

/** The fields of `data` on a check; `reports` only with `verbose`. */
export interface CheckData {
  ipAddress: string;
  isPublic: boolean;
  ipVersion: number;
  isWhitelisted: boolean | null;
  abuseConfidenceScore: number;
  countryCode: string | null;
  countryName?: string | null;
  usageType: string | null;
  isp: string | null;
  domain: string | null;
  hostnames: string[];
  isTor: boolean;
  totalReports: number;
  numDistinctUsers: number;
  lastReportedAt: string | null;
  reports?: unknown[];
}

/**
 * AbuseIPDB's error body: `{ errors: [{ detail, status }] }`; the details are joined. A refused key
 * reads "Authentication failed. Your API key is either missing, incorrect, or revoked. …".
 */
export function abuseipdbError(_status: number, body: unknown): string | undefined {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return undefined;
  const details = errors
    .map((e: unknown) => (e !== null && typeof e === 'object' ? (e as { detail?: unknown }).detail : undefined))
    .filter((d): d is string => typeof d === 'string' && d !== '');
  return details.length === 0 ? undefined : details.join('; ');
}

/**
 * The "same IP within 15 minutes" refusal arrives as a 429, but waiting seconds and retrying cannot
 * help, so it becomes a BAD_REQUEST (not retried) with AbuseIPDB's own message.
 */
export function duplicateReport(error: unknown): NodeError | undefined {
  if (!(error instanceof NodeError) || error.status !== 429) return undefined;
  const body = (error.details as { body?: { errors?: Array<{ source?: { parameter?: unknown }; detail?: unknown }> } } | undefined)?.body;
  const first = body?.errors?.[0];
  const isDuplicate = first?.source?.parameter === 'ip' || (typeof first?.detail === 'string' && /once in 15 minutes/.test(first.detail));
  if (!isDuplicate) return undefined;
  return new NodeError('BAD_REQUEST', error.message, { status: 429, vendor: error.vendor, details: error.details });
}

/** What Check IP outputs: the check's `data`, plus `malicious` (score ≥ threshold) and the AbuseIPDB page. */
const checkIpOutput = z.object({
  ipAddress: z.string(),
  isPublic: z.boolean(),
  ipVersion: z.number(),
  isWhitelisted: z.boolean().nullable(),
  abuseConfidenceScore: z.number().describe('0–100: how sure AbuseIPDB is that the address is abusive.'),
  countryCode: z.string().nullable(),
  countryName: z.string().nullable().optional(),
  usageType: z.string().nullable(),
  isp: z.string().nullable(),
  domain: z.string().nullable(),
  hostnames: z.array(z.string()),
  isTor: z.boolean(),
  totalReports: z.number(),
  numDistinctUsers: z.number(),
  lastReportedAt: z.string().nullable(),
  reports: z.array(z.unknown()).optional().describe('The individual reports; only with verbose.'),
  malicious: z.boolean().describe('abuseConfidenceScore is at or above the threshold.'),
  permalink: z.string(),
});

const CHECK_EXAMPLE: CheckData & { malicious: boolean; permalink: string } = {
  ipAddress: '118.25.6.39',
  isPublic: true,
  ipVersion: 4,
  isWhitelisted: false,
  abuseConfidenceScore: 100,
  countryCode: 'CN',
  usageType: 'Data Center/Web Hosting/Transit',
  isp: 'Tencent Cloud Computing (Beijing) Co. Ltd',
  domain: 'tencent.com',
  hostnames: [],
  isTor: false,
  totalReports: 1,
  numDistinctUsers: 1,
  lastReportedAt: '2018-12-20T20:55:14+00:00',
  malicious: true,
  permalink: 'https://www.abuseipdb.com/check/118.25.6.39',
};

/** What Report IP outputs: AbuseIPDB's answer, the IP and its updated score (empty when AbuseIPDB sends no data). */
const reportIpOutput = z.object({
  ipAddress: z.string().optional(),
  abuseConfidenceScore: z.number().optional().describe('The score of the IP after the report.'),
});

/** GET /check: the IP's abuse confidence score and report counts, plus `malicious` against the threshold. */
const checkIp: RunAction<typeof checkIpInput> = {
  title: 'Check IP',
  description: 'Looks up an IP address on AbuseIPDB: abuse confidence score (0–100), report counts, ISP, usage type and Tor exit status.',
  input: checkIpInput,
  output: checkIpOutput,
  effect: 'read',
  example: CHECK_EXAMPLE,
  run: async (ctx, input) => {
    const params: Record<string, string | number> = { ipAddress: input.ipAddress };
    if (input.maxAgeInDays !== undefined) params['maxAgeInDays'] = input.maxAgeInDays;
    if (input.verbose) params['verbose'] = '';
    const response = await ctx.http.get<{ data?: CheckData }>('/check', { params });
    const data = response.data?.data;
    if (data === undefined || typeof data.abuseConfidenceScore !== 'number') {
      throw unexpectedResponse('AbuseIPDB', 'abuseipdb', 'no data.abuseConfidenceScore', response.status);
    }
    return { ...data, malicious: data.abuseConfidenceScore >= input.threshold, permalink: `https://www.abuseipdb.com/check/${data.ipAddress}` };
  },
};

/** POST /report (form-encoded): files an abuse report; AbuseIPDB answers with the IP's updated score. */
const reportIp: RunAction<typeof reportIpInput> = {
  title: 'Report IP',
  description: 'Reports an abusive IP address to AbuseIPDB under one or more categories. Public and attributed to your account; the same IP can be reported once per 15 minutes.',
  input: reportIpInput,
  effect: 'write',
  output: reportIpOutput,
  example: { ipAddress: '127.0.0.1', abuseConfidenceScore: 52 },
  run: async (ctx, input) => {
    const form = new URLSearchParams({ ip: input.ip, categories: Array.isArray(input.categories) ? input.categories.join(',') : input.categories });
    if (input.comment !== undefined) form.set('comment', input.comment);
    if (input.timestamp !== undefined) form.set('timestamp', input.timestamp);
    try {
      const response = await ctx.http.post<{ data?: { ipAddress?: string; abuseConfidenceScore?: number } }>('/report', form);
      return response.data?.data ?? {};
    } catch (error) {
      throw duplicateReport(error) ?? error;
    }
  },
};

/** AbuseIPDB v2: community IP reputation (check) and abuse reporting. */
export const abuseipdbConnector = defineConnector({
  id: 'abuseipdb',
  name: 'AbuseIPDB',
  category: 'threat-intel',
  docsUrl: 'https://docs.abuseipdb.com/',
  description: 'Community IP reputation: abuse confidence score and report history of an IP, and reporting abusive IPs (API v2).',
  credentials: abuseipdbCredentials,
  // Without `Accept: application/json` AbuseIPDB answers errors with an HTML page.
  http: (credentials) => ({ baseURL: credentials.baseUrl, headers: { Key: credentials.apiKey, Accept: 'application/json' } }),
  vendorError: abuseipdbError,
  actions: {
    check_ip: checkIp,
    report_ip: reportIp,
  },
});
