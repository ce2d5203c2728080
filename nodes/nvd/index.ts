import type { AxiosResponse } from 'axios';
import * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';
import type { NodeErrorCode } from '../../engine/errors.ts';
import { defineConnector } from '../sdk/define-connector.ts';
import type { ConnectorContext, RunAction } from '../sdk/define-connector.ts';
import { plainHeaders, statusError } from '../sdk/http-errors.ts';
import { secret, secretValues } from '../sdk/secrets.ts';
import { summarizeCve } from './cve.ts';
import type { NvdCve } from './cve.ts';
import { cveDetailsOutput } from './outputs.ts';

/*
 * Checked where the shared reference said unconfirmed (nvd.nist.gov/developers/start-here and the
 * nvdlib / DependencyCheck / open-vulnerability-cli issue threads that quote NVD's answers):
 * - NVD puts its error text in a `message` response header with an empty body: an invalid key is
 *   `404` + `message: Invalid apiKey.` (nvdlib #20, #28), a bad parameter is a 404 + message too.
 * - Throttling (5 requests / 30 s without a key, 50 with one) is a firewall `403` with no Retry-After
 *   ("Request forbidden by administrative rules."); NVD's advice is to sleep ~6 s between requests.
 * So: 404 naming the apiKey → AUTH; other 404 with a message → BAD_REQUEST; 403 → RATE_LIMITED retried
 * after 6 s, unless its message names the apiKey (then AUTH). An unknown CVE is `200` with
 * `totalResults: 0`, mapped to NOT_FOUND.
 */

/** The envelope of a CVE API 2.0 answer. */
interface NvdAnswer {
  resultsPerPage?: number;
  startIndex?: number;
  totalResults?: number;
  vulnerabilities?: Array<{ cve?: NvdCve }>;
}

/** NVD's advised pause after being throttled, as NVD sends no Retry-After. */
export const THROTTLE_WAIT_MS = 6_000;

/** The NVD API key is optional: without one the connector works at the public rate (5 requests / 30 s). */
export const nvdCredentials = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://services.nvd.nist.gov')
    .meta({ title: 'Base URL' })
    .describe('NVD services host; change it only to reach a proxy, a mirror or the lab.'),
  apiKey: secret(z.string().min(1))
    .optional()
    .meta({ title: 'API key' })
    .describe('Optional API key (nvd.nist.gov/developers/request-an-api-key), sent as the apiKey header; raises the limit to 50 requests / 30 s.'),
});

/** NVD's error text travels in the `message` response header; bodies are empty or a firewall page. */
export function nvdError(_status: number, _body: unknown, headers: Record<string, string>): string | undefined {
  const message = headers['message']?.trim();
  return message === undefined || message === '' ? undefined : message;
}

/**
 * The error class NVD means by a status, given its `message` header: a 403 or 404 naming the apiKey is a
 * refused key, any other 403 is throttling, a 404 with a message is a refused parameter. Undefined
 * leaves the SDK's usual classification (a bare 404 is a wrong path, 429/5xx as usual).
 */
export function nvdErrorCode(status: number, message: string | undefined): NodeErrorCode | undefined {
  if ((status === 403 || status === 404) && message !== undefined && /api ?key/i.test(message)) return 'AUTH';
  if (status === 403) return 'RATE_LIMITED';
  if (status === 404 && message !== undefined) return 'BAD_REQUEST';
  return undefined;
}

/** The NodeError for a failed NVD answer: the SDK's message and Retry-After, NVD's own error class. */
function nvdFailure(ctx: ConnectorContext, response: AxiosResponse): NodeError {
  const headers = plainHeaders(response.headers);
  const context = { vendor: 'NVD', connectorId: 'nvd', vendorError: nvdError, secrets: secretValues(ctx.credentials, nvdCredentials), clock: ctx.clock };
  const base = statusError(response.status, response.data, headers, context, response.statusText);
  const code = nvdErrorCode(response.status, nvdError(response.status, response.data, headers));
  if (code === undefined) return base;
  const retryAfterMs = code === 'RATE_LIMITED' ? (base.retryAfterMs ?? THROTTLE_WAIT_MS) : undefined;
  return new NodeError(code, base.message, { status: base.status, retryAfterMs, vendor: base.vendor, details: base.details });
}

export const cveDetailsInput = z.strictObject({
  cveId: z
    .string()
    .trim()
    .regex(/^CVE-\d{4}-\d{4,}$/i, 'must look like CVE-2024-3400')
    .transform((id) => id.toUpperCase())
    .meta({ title: 'CVE ID' })
    .describe('The CVE id, e.g. CVE-2024-3400.'),
});

/** Trimmed from NVD's record of CVE-2024-3400 (the shape of GET /rest/json/cves/2.0?cveId=…). */
export const CVE_EXAMPLE = {
  id: 'CVE-2024-3400',
  sourceIdentifier: 'psirt@paloaltonetworks.com',
  vulnStatus: 'Analyzed',
  published: '2024-04-12T08:15:06.230',
  lastModified: '2026-10-02T14:11:08.120',
  description: 'A command injection as a result of arbitrary file creation vulnerability in the GlobalProtect feature of Palo Alto Networks PAN-OS software.',
  cvss: { version: '3.1', baseScore: 10, baseSeverity: 'CRITICAL', vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', source: 'nvd@nist.gov', type: 'Primary' },
  baseScore: 10,
  baseSeverity: 'CRITICAL',
  cwes: ['CWE-77'],
  references: [
    { url: 'https://security.paloaltonetworks.com/CVE-2024-3400', source: 'psirt@paloaltonetworks.com', tags: ['Vendor Advisory'] },
    { url: 'https://unit42.paloaltonetworks.com/cve-2024-3400/', source: 'psirt@paloaltonetworks.com', tags: ['Exploit', 'Third Party Advisory'] },
  ],
  patchLinks: ['https://security.paloaltonetworks.com/CVE-2024-3400'],
  patchAvailable: true,
  knownExploited: true,
  cisaExploitAdd: '2024-04-12',
  cisaActionDue: '2024-04-19',
  cisaRequiredAction: 'Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable.',
  cisaVulnerabilityName: 'Palo Alto Networks PAN-OS Command Injection Vulnerability',
};

/** `GET /rest/json/cves/2.0?cveId=…`: one CVE's description, CVSS, CWEs, references and patch links. */
const cveDetails: RunAction<typeof cveDetailsInput> = {
  title: 'CVE details',
  description:
    'Looks up a CVE in the NVD: English description, dates, CVSS (v3.1, else v4.0, v3.0 or v2), CWE ids, references, and patchLinks (references tagged Patch or Vendor Advisory). Unknown CVEs fail with NOT_FOUND.',
  input: cveDetailsInput,
  effect: 'read',
  output: cveDetailsOutput,
  example: CVE_EXAMPLE,
  run: async (ctx, input) => {
    const response = await ctx.http.get<NvdAnswer>('/rest/json/cves/2.0', { params: { cveId: input.cveId }, validateStatus: () => true });
    if (response.status >= 400) throw nvdFailure(ctx, response);
    const data = response.data;
    const cve = data?.vulnerabilities?.find((v) => v.cve?.id === input.cveId)?.cve ?? data?.vulnerabilities?.[0]?.cve;
    if (data?.totalResults === 0 || cve === undefined) {
      throw new NodeError('NOT_FOUND', `NVD has no record of ${input.cveId} (totalResults 0)`, { vendor: 'nvd' });
    }
    return summarizeCve(cve);
  },
};

/** NIST's National Vulnerability Database, CVE API 2.0. */
export const nvdConnector = defineConnector({
  id: 'nvd',
  name: 'NVD',
  category: 'vulnerability',
  docsUrl: 'https://nvd.nist.gov/developers/vulnerabilities',
  description: 'CVE details from the National Vulnerability Database: CVSS scores, CWEs, references and patch links (CVE API 2.0). This product uses the NVD API but is not endorsed or certified by the NVD.',
  credentials: nvdCredentials,
  http: (credentials) => ({
    baseURL: credentials.baseUrl,
    headers: { Accept: 'application/json', ...(credentials.apiKey === undefined ? {} : { apiKey: credentials.apiKey }) },
  }),
  vendorError: nvdError,
  actions: {
    cve_details: cveDetails,
  },
});
