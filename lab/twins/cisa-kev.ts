import { scenario } from '../scenario.ts';
import type { TwinDefinition, TwinRequest, TwinResponse } from '../twin.ts';

/**
 * CISA KEV twin: the public catalog file at `/sites/default/files/feeds/known_exploited_vulnerabilities.json`
 * (shape of github.com/cisagov/kev-data), served with `ETag` and `Last-Modified` and answering a matching
 * `If-None-Match` / `If-Modified-Since` with 304. No auth and no documented rate limit; the 429 below is
 * a generic CDN answer for fault tests. The catalog lists the scenario's critical CVE among a few real
 * entries and leaves out the scenario's minor CVE.
 */

interface KevEntry {
  cveID: string;
  vendorProject: string;
  product: string;
  vulnerabilityName: string;
  dateAdded: string;
  shortDescription: string;
  requiredAction: string;
  dueDate: string;
  knownRansomwareCampaignUse: 'Known' | 'Unknown';
  notes: string;
  cwes: string[];
}

export interface CisaKevState {
  catalogVersion: string;
  dateReleased: string;
  vulnerabilities: KevEntry[];
  /** Full downloads (200) served, and conditional requests answered 304: what a cache test reads. */
  downloads: number;
  notModified: number;
}

/** Nothing to present: the catalog is public. */
export const cisaKevLabCredentials = {};

export const KEV_PATH = '/sites/default/files/feeds/known_exploited_vulnerabilities.json';

const MITIGATE = 'Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable.';

function entries(): KevEntry[] {
  const cve = scenario.vulnerability.cve;
  return [
    {
      cveID: cve,
      vendorProject: 'Palo Alto Networks',
      product: 'PAN-OS',
      vulnerabilityName: 'Palo Alto Networks PAN-OS Command Injection Vulnerability',
      dateAdded: '2024-04-12',
      shortDescription: 'Palo Alto Networks PAN-OS GlobalProtect feature contains a command injection vulnerability that allows an unauthenticated attacker to execute commands with root privileges on the firewall.',
      requiredAction: MITIGATE,
      dueDate: '2024-04-19',
      knownRansomwareCampaignUse: 'Unknown',
      notes: `${scenario.vulnerability.patchUrl}; https://nvd.nist.gov/vuln/detail/${cve}`,
      cwes: ['CWE-77'],
    },
    {
      cveID: 'CVE-2024-21887',
      vendorProject: 'Ivanti',
      product: 'Connect Secure and Policy Secure',
      vulnerabilityName: 'Ivanti Connect Secure and Policy Secure Command Injection Vulnerability',
      dateAdded: '2024-01-10',
      shortDescription: 'Ivanti Connect Secure and Ivanti Policy Secure contain a command injection vulnerability in the web components of these products, which can allow an authenticated administrator to send crafted requests to execute code on affected appliances. This vulnerability can be exploited in conjunction with CVE-2023-46805, an authenticated bypass issue.',
      requiredAction: MITIGATE,
      dueDate: '2024-01-22',
      knownRansomwareCampaignUse: 'Known',
      notes: 'https://forums.ivanti.com/s/article/CVE-2023-46805-Authentication-Bypass-CVE-2024-21887-Command-Injection-for-Ivanti-Connect-Secure-and-Ivanti-Policy-Secure-Gateways; https://nvd.nist.gov/vuln/detail/CVE-2024-21887',
      cwes: ['CWE-77'],
    },
    {
      cveID: 'CVE-2023-4966',
      vendorProject: 'Citrix',
      product: 'NetScaler ADC and NetScaler Gateway',
      vulnerabilityName: 'Citrix NetScaler ADC and NetScaler Gateway Buffer Overflow Vulnerability',
      dateAdded: '2023-10-18',
      shortDescription: 'Citrix NetScaler ADC and NetScaler Gateway contain a buffer overflow vulnerability that allows for sensitive information disclosure when configured as a Gateway (VPN virtual server, ICA Proxy, CVPN, RDP Proxy) or AAA virtual server.',
      requiredAction: MITIGATE,
      dueDate: '2023-11-08',
      knownRansomwareCampaignUse: 'Known',
      notes: 'https://support.citrix.com/article/CTX579459/netscaler-adc-and-netscaler-gateway-security-bulletin-for-cve20234966-and-cve20234967; https://nvd.nist.gov/vuln/detail/CVE-2023-4966',
      cwes: ['CWE-119'],
    },
    {
      cveID: 'CVE-2021-44228',
      vendorProject: 'Apache',
      product: 'Log4j2',
      vulnerabilityName: 'Apache Log4j2 Remote Code Execution Vulnerability',
      dateAdded: '2021-12-10',
      shortDescription: 'Apache Log4j2 contains a vulnerability where JNDI features do not protect against attacker-controlled JNDI-related endpoints, allowing for remote code execution.',
      requiredAction: 'For all affected software assets for which updates exist, the only acceptable remediation actions are: 1) Apply updates; OR 2) remove affected assets from agency networks. Temporary mitigations using one of the measures provided at https://www.cisa.gov/uscert/ed-22-02-apache-log4j-recommended-mitigation-measures are only acceptable until updates are available.',
      dueDate: '2021-12-24',
      knownRansomwareCampaignUse: 'Known',
      notes: 'https://logging.apache.org/log4j/2.x/security.html; https://nvd.nist.gov/vuln/detail/CVE-2021-44228',
      cwes: ['CWE-20', 'CWE-400', 'CWE-502'],
    },
  ];
}

function initialState(): CisaKevState {
  return { catalogVersion: '2026.11.26', dateReleased: '2026-11-26T17:02:11.0000Z', vulnerabilities: entries(), downloads: 0, notModified: 0 };
}

/** The validators of the catalog as it stands: they change whenever its version or content does. */
export function validators(state: CisaKevState): { etag: string; lastModified: string } {
  return {
    etag: `"kev-${state.catalogVersion}-${state.vulnerabilities.length}"`,
    lastModified: new Date(Date.parse(state.dateReleased.replace(/\.(\d{3})\d*Z$/, '.$1Z'))).toUTCString(),
  };
}

function feed(req: TwinRequest, state: CisaKevState): TwinResponse {
  const { etag, lastModified } = validators(state);
  const headers = { ETag: etag, 'Last-Modified': lastModified, 'Cache-Control': 'max-age=300' };
  const ifNoneMatch = req.headers['if-none-match'];
  const ifModifiedSince = req.headers['if-modified-since'];
  const unchanged = ifNoneMatch !== undefined ? ifNoneMatch.split(',').some((tag) => tag.trim() === etag) : ifModifiedSince !== undefined && Date.parse(ifModifiedSince) >= Date.parse(lastModified);
  if (unchanged) {
    state.notModified += 1;
    return { status: 304, headers };
  }
  state.downloads += 1;
  return {
    headers: { ...headers, 'content-type': 'application/json' },
    body: {
      title: 'CISA Catalog of Known Exploited Vulnerabilities',
      catalogVersion: state.catalogVersion,
      dateReleased: state.dateReleased,
      count: state.vulnerabilities.length,
      vulnerabilities: state.vulnerabilities,
    },
  };
}

export const cisaKevTwin: TwinDefinition<CisaKevState> = {
  id: 'cisa_kev',
  name: 'CISA KEV',
  initialState,
  authenticate: () => undefined,
  rateLimited: (retryAfterSeconds) => ({ status: 429, body: 'Too Many Requests', headers: { 'retry-after': String(retryAfterSeconds), 'content-type': 'text/plain' } }),
  notFound: () => ({ status: 404, body: '<!DOCTYPE html><html lang="en"><head><title>Page Not Found | CISA</title></head><body><h1>Page Not Found</h1></body></html>', headers: { 'content-type': 'text/html' } }),
  routes: [{ method: 'GET', path: KEV_PATH, handler: feed }],
};
