import * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';
import { defineConnector } from '../sdk/define-connector.ts';
import type { RunAction } from '../sdk/define-connector.ts';
import { secret } from '../sdk/secrets.ts';
import { hostInfoOutput } from './outputs.ts';

/*
 * Checked where the shared reference said unconfirmed:
 * - Errors are `{ error: "…" }`; an IP Shodan has not seen is 404 "No information available for that IP.".
 * - A refused key: Shodan's 401 can be a plain HTML "401 Unauthorized" page (issue reports quote the
 *   Werkzeug text); shodan-python reads `error` from a JSON body and otherwise reports "Invalid API key",
 *   and so does this connector.
 * - Rate limit: Shodan asks for 1 request/second and documents no Retry-After; its text (quoted by the
 *   shodanz client) is "Request rate limit reached (1 request/ second). …". The status is taken to be
 *   429; with no Retry-After the retry waits 1 s, a Retry-After is honoured when present.
 */

/** Shodan asks for at most one request per second. */
export const RATE_WAIT_MS = 1_000;
const NO_INFORMATION = /No information available/i;

/** Shodan's API key, sent as the `key` query parameter. */
export const shodanCredentials = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.shodan.io').meta({ title: 'Base URL' }).describe('REST API root; change it only to reach a proxy or the lab.'),
  key: secret(z.string().min(1)).meta({ title: 'API key' }).describe('API key (account.shodan.io), sent as ?key=.'),
});

/** Shodan's `{ error }`; a 401 without one is what shodan-python reports: "Invalid API key". */
export function shodanError(status: number, body: unknown): string | undefined {
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error === 'string' && error !== '') return error;
  return status === 401 ? 'Invalid API key' : undefined;
}

/** A banner of `data[]` as the host lookup returns it (the fields kept in the output; raw banners dropped). */
interface ShodanBanner {
  port?: number;
  transport?: string;
  product?: string;
  version?: string;
  cpe23?: string[];
  timestamp?: string;
  _shodan?: { module?: string; id?: string };
  [field: string]: unknown;
}

/** The service summary a playbook reads: port, transport, product, version, CPE, when seen, which crawler module. */
export function compactBanner(banner: ShodanBanner): ShodanBanner {
  const out: ShodanBanner = { port: banner.port, transport: banner.transport };
  for (const key of ['product', 'version', 'cpe23', 'timestamp']) if (banner[key] !== undefined) out[key] = banner[key];
  out._shodan = { module: banner._shodan?.module };
  return out;
}

/** The answer for an IP Shodan has no record of: not exposed as far as Shodan knows. */
export function unknownHost(ip: string): Record<string, unknown> {
  return { ip_str: ip, found: false, exposed: false, ports: [], hostnames: [], vulns: [], data: [] };
}

/** The host record with Shodan's field names, `vulns` always a list, and `exposed` (any open port). */
export function summarizeHost(host: Record<string, unknown>): Record<string, unknown> {
  const ports = Array.isArray(host['ports']) ? (host['ports'] as number[]) : [];
  const data = Array.isArray(host['data']) ? (host['data'] as ShodanBanner[]).map(compactBanner) : [];
  const out: Record<string, unknown> = { ip_str: host['ip_str'], found: true, exposed: ports.length > 0 };
  for (const key of ['ports', 'hostnames', 'domains', 'org', 'isp', 'asn', 'os', 'country_code', 'city', 'tags', 'vulns', 'last_update']) {
    out[key] = host[key] ?? (key === 'vulns' || key === 'tags' ? [] : null);
  }
  out['ports'] = ports;
  out['data'] = data;
  return out;
}

const hostInfoInput = z.strictObject({
  ip: z.union([z.ipv4(), z.ipv6()]).meta({ title: 'IP address' }).describe('The IP address to look up, e.g. a scanner finding\'s asset IP.'),
  minify: z.boolean().default(false).meta({ title: 'Minify' }).describe('Ports and general host information only, no banners (data[] empty).'),
  history: z.boolean().default(false).meta({ title: 'Include history' }).describe('Include historical banners.'),
  failIfUnknown: z
    .boolean()
    .default(false)
    .meta({ title: 'Fail if unknown' })
    .describe('Fail with NOT_FOUND when Shodan has no record of the IP; by default the answer is found: false, exposed: false.'),
});

export const HOST_EXAMPLE = {
  ip_str: '198.51.100.20',
  found: true,
  exposed: true,
  ports: [443, 4443],
  hostnames: ['vpn-gw-01.corp.example'],
  domains: ['corp.example'],
  org: 'Corp Example Inc.',
  isp: 'Example Transit LLC',
  asn: 'AS64500',
  os: null,
  country_code: 'US',
  city: 'Chicago',
  tags: ['vpn'],
  vulns: ['CVE-2024-3400'],
  last_update: '2026-11-26T22:41:07.112233',
  data: [
    { port: 443, transport: 'tcp', product: 'Palo Alto GlobalProtect', cpe23: ['cpe:2.3:o:paloaltonetworks:pan-os'], timestamp: '2026-11-26T22:41:07.112233', _shodan: { module: 'https' } },
    { port: 4443, transport: 'tcp', product: 'Palo Alto PAN-OS', cpe23: ['cpe:2.3:o:paloaltonetworks:pan-os'], timestamp: '2026-11-25T09:03:51.440712', _shodan: { module: 'https-simple-new' } },
  ],
};

/** `GET /shodan/host/{ip}`: what the internet sees of an IP (open ports, services, CVEs), plus `exposed`. */
const hostInfo: RunAction<typeof hostInfoInput> = {
  title: 'Host info',
  description:
    'What Shodan has seen on an IP: open ports, services (product, version, module), hostnames, org, ISP, OS and CVEs, plus exposed (any open port). An IP Shodan never saw answers found: false, exposed: false unless failIfUnknown is set.',
  input: hostInfoInput,
  effect: 'read',
  output: hostInfoOutput,
  example: HOST_EXAMPLE,
  run: async (ctx, input) => {
    const params: Record<string, string> = {};
    if (input.minify) params['minify'] = 'true';
    if (input.history) params['history'] = 'true';
    try {
      const response = await ctx.http.get<Record<string, unknown>>(`/shodan/host/${encodeURIComponent(input.ip)}`, { params });
      return summarizeHost(response.data ?? {});
    } catch (error) {
      if (!(error instanceof NodeError)) throw error;
      if (error.code === 'NOT_FOUND' && !input.failIfUnknown && NO_INFORMATION.test(error.message)) return unknownHost(input.ip);
      if (error.code === 'RATE_LIMITED' && error.retryAfterMs === undefined) {
        throw new NodeError('RATE_LIMITED', error.message, { status: error.status, retryAfterMs: RATE_WAIT_MS, vendor: error.vendor, details: error.details });
      }
      throw error;
    }
  },
};

/** Shodan: the internet-facing exposure of an IP address. */
export const shodanConnector = defineConnector({
  id: 'shodan',
  name: 'Shodan',
  category: 'vulnerability',
  docsUrl: 'https://developer.shodan.io/api',
  description: 'Internet exposure of an IP address: open ports, services and known CVEs as Shodan\'s crawlers see them.',
  credentials: shodanCredentials,
  http: (credentials) => ({ baseURL: credentials.baseUrl, params: { key: credentials.key } }),
  vendorError: shodanError,
  actions: {
    host_info: hostInfo,
  },
});
