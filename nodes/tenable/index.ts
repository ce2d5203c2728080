import * as z from 'zod';
import { defineConnector } from '../sdk/define-connector.ts';
import { USER_AGENT } from '../sdk/http-client.ts';
import { secret } from '../sdk/secrets.ts';
import { getAsset } from './get-asset.ts';
import { listVulnerabilities } from './list-vulnerabilities.ts';

/*
 * Checked where the shared reference said unconfirmed:
 * - Error bodies: Tenable's gateway answers JSON `{ statusCode, error, message }` — a 403 recorded in
 *   pyTenable's cassettes reads `{"statusCode":403,"error":"Forbidden","message":"Insufficient scope"}` and
 *   a bad key is reported as `{"statusCode":401,"error":"Unauthorized","message":"Invalid Credentials"}`;
 *   some older endpoints answer `{ error: "…" }` (a recorded 404: "The requested file was not found").
 * - 429: developer.tenable.com/docs/rate-limiting shows a `text/html` body with a `retry-after` header in
 *   seconds; that header is honoured (inside the export loop too, so a busy poll does not restart the export).
 * - `CANCELLED` is the status pyTenable's `exports.cancel` documents; ERROR and CANCELLED end the export.
 * - `num_assets` is clamped by Tenable to 50–5000 (docs.tenable.com "Generate the Vulnerability Export File").
 * - The export API has no CVE filter (pyTenable's VulnExportSchema lists none), so `cve` filters the chunks.
 */

/** Tenable Vulnerability Management API keys (Settings → My Account → API Keys). */
export const tenableCredentials = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://cloud.tenable.com')
    .meta({ title: 'Base URL' })
    .describe('API root, e.g. https://cloud.tenable.com (or a regional/FedRAMP host); change it only for a proxy or the lab.'),
  accessKey: secret(z.string().min(1)).meta({ title: 'Access key' }).describe('API access key, sent in X-ApiKeys as accessKey=…'),
  secretKey: secret(z.string().min(1)).meta({ title: 'Secret key' }).describe('API secret key, sent in X-ApiKeys as secretKey=…'),
});

/** Tenable's error body: `{ statusCode, error, message }` (message preferred) or a bare `{ error }`. */
export function tenableError(_status: number, body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  for (const key of ['message', 'error', 'failure_reason']) {
    const value = record[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return undefined;
}

/** Tenable asks integrations to identify themselves as `Integration/1.0 (vendor; product; Build/version)`. */
const TENABLE_USER_AGENT = `Integration/1.0 (Switchboard; Switchboard; Build/${USER_AGENT.split('/')[1] ?? '0'})`;

/** Tenable Vulnerability Management (formerly Tenable.io): vulnerability exports and asset details. */
export const tenableConnector = defineConnector({
  id: 'tenable',
  name: 'Tenable Vulnerability Management',
  category: 'vulnerability',
  docsUrl: 'https://developer.tenable.com/reference/exports-vulns-request-export',
  description: 'Vulnerability findings with asset and plugin details (CVEs, CVSS, VPR, patch) through the export API, and asset details.',
  credentials: tenableCredentials,
  http: (credentials) => ({
    baseURL: credentials.baseUrl,
    headers: {
      'X-ApiKeys': `accessKey=${credentials.accessKey};secretKey=${credentials.secretKey}`,
      Accept: 'application/json',
      'User-Agent': TENABLE_USER_AGENT,
    },
  }),
  vendorError: tenableError,
  actions: {
    list_vulnerabilities: listVulnerabilities,
    get_asset: getAsset,
  },
});
