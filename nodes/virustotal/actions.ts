import * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';
import type { ConnectorContext, RunAction } from '../sdk/define-connector.ts';
import { unexpectedResponse } from '../sdk/http-errors.ts';
import { reportOutput, submitUrlOutput } from './outputs.ts';
import { DOMAIN_EXAMPLE, FILE_EXAMPLE, IP_EXAMPLE, SUBMIT_EXAMPLE, URL_EXAMPLE } from './examples.ts';
import { summarise, unknownSummary, urlId } from './summary.ts';
import type { ReportSummary } from './summary.ts';

const threshold = z
  .int()
  .min(1)
  .max(100)
  .default(3)
  .meta({ title: 'Malicious from (engines)' })
  .describe('How many engines must say malicious before `malicious` is true (single-engine false positives are common).');

const failIfUnknown = z
  .boolean()
  .default(false)
  .meta({ title: 'Fail if unknown' })
  .describe('Fail with NOT_FOUND when VirusTotal has never seen it; by default the output says `found: false`, verdict `unknown`.');

export const ipReportInput = z.strictObject({
  ip: z.union([z.ipv4(), z.ipv6()]).meta({ title: 'IP address' }).describe('IPv4 or IPv6 address to look up.'),
  threshold,
});

export const domainReportInput = z.strictObject({
  domain: z.string().min(1).max(253).meta({ title: 'Domain' }).describe('Domain name, e.g. paypa1-secure.com (no scheme, no path).'),
  threshold,
  failIfUnknown,
});

export const urlReportInput = z.strictObject({
  url: z.string().min(1).max(8_192).meta({ title: 'URL' }).describe('The URL as seen, e.g. http://paypa1-secure.com/login/verify; its VirusTotal identifier is computed.'),
  threshold,
  failIfUnknown,
});

export const fileReportInput = z.strictObject({
  id: z
    .string()
    .regex(/^([0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/, 'must be an MD5, SHA-1 or SHA-256 hex digest')
    .meta({ title: 'File hash (MD5, SHA-1 or SHA-256)' })
    .describe('File hash: MD5, SHA-1 or SHA-256.'),
  threshold,
  failIfUnknown,
});

export const submitUrlInput = z.strictObject({
  url: z.string().min(1).max(8_192).meta({ title: 'URL' }).describe('URL to submit for a fresh analysis. VirusTotal visits it and shares it with its community.'),
});

const REPORT_NOTE = 'Returns the engine counts (`last_analysis_stats`), a `verdict`, `malicious` and the engines that flagged it.';

/** GET /ip_addresses/{ip}. */
export const ipReport: RunAction<typeof ipReportInput> = {
  title: 'IP address report',
  description: `Looks up an IP address on VirusTotal: owner, ASN, country and what the engines say. ${REPORT_NOTE}`,
  input: ipReportInput,
  effect: 'read',
  output: reportOutput,
  example: IP_EXAMPLE,
  run: (ctx, input) => report(ctx, `/ip_addresses/${encodeURIComponent(input.ip)}`, input.threshold),
};

/** GET /domains/{domain}. */
export const domainReport: RunAction<typeof domainReportInput> = {
  title: 'Domain report',
  description: `Looks up a domain on VirusTotal: categories, registrar, DNS records and engine verdicts. ${REPORT_NOTE}`,
  input: domainReportInput,
  effect: 'read',
  output: reportOutput,
  example: DOMAIN_EXAMPLE,
  run: (ctx, input) => report(ctx, `/domains/${encodeURIComponent(input.domain.trim().toLowerCase())}`, input.threshold, input.failIfUnknown ? undefined : { id: input.domain.trim().toLowerCase(), type: 'domain' }),
};

/** GET /urls/{url_id}, with the unpadded base64url identifier computed from the URL. */
export const urlReport: RunAction<typeof urlReportInput> = {
  title: 'URL report',
  description: `Looks up a URL on VirusTotal (by its base64url identifier): final URL, categories and engine verdicts. ${REPORT_NOTE}`,
  input: urlReportInput,
  effect: 'read',
  output: reportOutput,
  example: URL_EXAMPLE,
  run: (ctx, input) => report(ctx, `/urls/${urlId(input.url)}`, input.threshold, input.failIfUnknown ? undefined : { id: urlId(input.url), type: 'url' }),
};

/** GET /files/{id}. */
export const fileReport: RunAction<typeof fileReportInput> = {
  title: 'File report',
  description: `Looks up a file by MD5, SHA-1 or SHA-256 on VirusTotal: names, type, size and engine verdicts. ${REPORT_NOTE}`,
  input: fileReportInput,
  effect: 'read',
  output: reportOutput,
  example: FILE_EXAMPLE,
  run: (ctx, input) => report(ctx, `/files/${input.id.toLowerCase()}`, input.threshold, input.failIfUnknown ? undefined : { id: input.id.toLowerCase(), type: 'file' }),
};

/**
 * POST /urls (form field `url`). Declared a write: it spends quota and discloses the URL to VirusTotal
 * and its community (an attacker watching VT learns the lure was spotted), so a dry run must not send
 * it. Repeating it only queues another analysis, so it is safe to retry after an unknown outcome.
 */
export const submitUrl: RunAction<typeof submitUrlInput> = {
  title: 'Submit URL for analysis',
  description: 'Asks VirusTotal to scan a URL now. Returns the analysis `id` (poll /analyses/{id}) and the URL identifier for a later URL report.',
  input: submitUrlInput,
  effect: 'write',
  idempotent: true,
  output: submitUrlOutput,
  example: SUBMIT_EXAMPLE,
  run: async (ctx, input) => {
    const response = await ctx.http.post<unknown>('/urls', new URLSearchParams({ url: input.url }));
    const analysis = (response.data as { data?: { id?: unknown; type?: unknown; links?: unknown } } | undefined)?.data;
    if (typeof analysis?.id !== 'string') {
      throw unexpectedResponse('VirusTotal', 'virustotal', 'no data.id (analysis id)', response.status);
    }
    return { id: analysis.id, type: analysis.type, links: analysis.links, url: input.url, url_id: urlId(input.url) };
  },
};

/**
 * One object lookup: GET the path, then summarise with the node's threshold (a malformed body is a
 * VENDOR error). With `unseen`, a 404 becomes that object's `unknown` summary instead of a failure.
 */
async function report(ctx: ConnectorContext, path: string, threshold: number, unseen?: { id: string; type: string }): Promise<ReportSummary> {
  let response;
  try {
    response = await ctx.http.get<unknown>(path);
  } catch (error) {
    if (unseen && error instanceof NodeError && error.code === 'NOT_FOUND') return unknownSummary(unseen.id, unseen.type);
    throw error;
  }
  try {
    return summarise(response.data, threshold);
  } catch (error) {
    throw unexpectedResponse('VirusTotal', 'virustotal', error, response.status);
  }
}
