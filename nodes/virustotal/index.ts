import * as z from 'zod';
import { defineConnector } from '../sdk/define-connector.ts';
import { secret } from '../sdk/secrets.ts';
import { domainReport, fileReport, ipReport, submitUrl, urlReport } from './actions.ts';

/*
 * Checked against VirusTotal's docs where the shared reference said unconfirmed: URL identifiers are the
 * unpadded base64url of the URL or the SHA-256 of its canonical form (reference/private-urls-api);
 * `POST /urls` answers `{ data: { type: 'analysis', id, links.self } }` and /analyses/{id} is the follow-up
 * (reference/analysis); the errors table lists QuotaExceededError and TooManyRequestsError for 429 and
 * documents no rate-limit headers, so a 429 here is retried on backoff unless a proxy adds Retry-After.
 * The `ip_address` object type literal follows VT's object naming; it was not found verbatim.
 */

/** The VirusTotal credential: the v3 API root (kept replaceable for the lab) and the API key. */
export const virustotalCredentials = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://www.virustotal.com/api/v3')
    .meta({ title: 'Base URL' })
    .describe('API v3 root; change it only to reach a proxy or the lab.'),
  apiKey: secret(z.string().min(1)).meta({ title: 'API key' }).describe('Personal API key (VirusTotal → your profile → API key), sent as x-apikey.'),
});

/**
 * VirusTotal's error body is `{ error: { code, message } }` (docs.virustotal.com/reference/errors):
 * `NotFoundError`, `WrongCredentialsError` (401), `QuotaExceededError` (429) and so on.
 */
export function virustotalError(_status: number, body: unknown): string | undefined {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error === null || typeof error !== 'object') return undefined;
  const code = typeof error.code === 'string' ? error.code : undefined;
  const message = typeof error.message === 'string' ? error.message : undefined;
  if (code !== undefined && message !== undefined) return `${code}: ${message}`;
  return code ?? message;
}

/** VirusTotal v3: reputation of IPs, domains, URLs and files, and URL submission. */
export const virustotalConnector = defineConnector({
  id: 'virustotal',
  name: 'VirusTotal',
  category: 'threat-intel',
  docsUrl: 'https://docs.virustotal.com/reference/overview',
  description: 'Reputation of IP addresses, domains, URLs and file hashes from 70+ security engines, and URL submission (API v3).',
  credentials: virustotalCredentials,
  http: (credentials) => ({
    baseURL: credentials.baseUrl,
    headers: { 'x-apikey': credentials.apiKey, Accept: 'application/json' },
  }),
  vendorError: virustotalError,
  actions: {
    ip_report: ipReport,
    domain_report: domainReport,
    url_report: urlReport,
    file_report: fileReport,
    submit_url: submitUrl,
  },
});
