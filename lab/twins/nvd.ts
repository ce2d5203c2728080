import { scenario } from '../scenario.ts';
import type { TwinDefinition, TwinRequest, TwinResponse } from '../twin.ts';

/**
 * NVD CVE API 2.0 twin (nvd.nist.gov/developers/vulnerabilities): `GET /rest/json/cves/2.0` with
 * `cveId` or `startIndex`/`resultsPerPage` paging, the optional `apiKey` header, and NVD's habits as
 * its users report them: errors as a `message` header over an empty body (an invalid key is a 404
 * "Invalid apiKey."), an `apikey: Yes|No` header, and throttling as a firewall 403 without Retry-After.
 * Its records are the scenario's CVEs; the critical one carries the CISA KEV fields, the minor one not.
 */

export interface NvdState {
  cves: Array<Record<string, unknown> & { id: string }>;
}

/** The API key the twin accepts; requests without a key are served too, as NVD does. */
export const nvdLabCredentials = { apiKey: 'lab-nvd-key' };

const MAX_RESULTS_PER_PAGE = 2000;
const NVD_TIMESTAMP = '2026-11-27T08:20:13.417';

function cvss31(source: string, type: string, vectorString: string, baseScore: number, baseSeverity: string, exploitabilityScore: number, impactScore: number): Record<string, unknown> {
  return { source, type, cvssData: { version: '3.1', vectorString, baseScore, baseSeverity }, exploitabilityScore, impactScore };
}

function weakness(source: string, type: string, cwe: string): Record<string, unknown> {
  return { source, type, description: [{ lang: 'en', value: cwe }] };
}

function criticalCve(): NvdState['cves'][number] {
  const psirt = 'psirt@paloaltonetworks.com';
  const v = scenario.vulnerability;
  return {
    id: v.cve,
    sourceIdentifier: psirt,
    published: '2024-04-12T08:15:06.230',
    lastModified: '2026-10-02T14:11:08.120',
    vulnStatus: 'Analyzed',
    cveTags: [],
    cisaExploitAdd: '2024-04-12',
    cisaActionDue: '2024-04-19',
    cisaRequiredAction: 'Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable.',
    cisaVulnerabilityName: 'Palo Alto Networks PAN-OS Command Injection Vulnerability',
    descriptions: [
      { lang: 'en', value: v.description },
      { lang: 'es', value: 'Una vulnerabilidad de inyección de comandos como resultado de la creación arbitraria de archivos en la función GlobalProtect del software PAN-OS de Palo Alto Networks.' },
    ],
    metrics: {
      cvssMetricV40: [
        {
          source: psirt,
          type: 'Secondary',
          cvssData: { version: '4.0', vectorString: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A', baseScore: 10, baseSeverity: 'CRITICAL' },
        },
      ],
      cvssMetricV31: [
        cvss31(psirt, 'Secondary', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10, 'CRITICAL', 3.9, 6),
        cvss31('nvd@nist.gov', 'Primary', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', v.cvss, v.severity, 3.9, 6),
      ],
    },
    weaknesses: [weakness(psirt, 'Secondary', 'CWE-77'), weakness('nvd@nist.gov', 'Primary', 'CWE-77')],
    configurations: [],
    references: [
      { url: v.patchUrl, source: psirt, tags: ['Vendor Advisory'] },
      { url: 'https://unit42.paloaltonetworks.com/cve-2024-3400/', source: psirt, tags: ['Exploit', 'Third Party Advisory'] },
      { url: 'https://www.volexity.com/blog/2024/04/12/zero-day-exploitation-of-unauthenticated-remote-code-execution-vulnerability-in-globalprotect-cve-2024-3400/', source: psirt, tags: ['Exploit', 'Third Party Advisory'] },
      { url: `https://www.cisa.gov/known-exploited-vulnerabilities-catalog?field_cve=${v.cve}`, source: 'cisa-prod', tags: ['US Government Resource'] },
    ],
  };
}

function minorCve(): NvdState['cves'][number] {
  const m = scenario.vulnerability.minor;
  return {
    id: m.cve,
    sourceIdentifier: 'cve@mitre.org',
    published: '2023-10-10T14:15:10.883',
    lastModified: '2026-08-19T17:45:32.901',
    vulnStatus: 'Analyzed',
    cveTags: [],
    descriptions: [{ lang: 'en', value: 'The HTTP/2 protocol allows a denial of service (server resource consumption) because request cancellation can reset many streams quickly, as exploited in the wild in August through October 2023.' }],
    metrics: { cvssMetricV31: [cvss31('nvd@nist.gov', 'Primary', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', m.cvss, 'HIGH', 3.9, 3.6)] },
    weaknesses: [weakness('nvd@nist.gov', 'Primary', 'CWE-400')],
    configurations: [],
    references: [
      { url: 'https://github.com/nghttp2/nghttp2/releases/tag/v1.57.0', source: 'cve@mitre.org', tags: ['Release Notes', 'Patch'] },
      { url: 'https://msrc.microsoft.com/update-guide/vulnerability/CVE-2023-44487', source: 'cve@mitre.org', tags: ['Patch', 'Vendor Advisory'] },
      { url: 'https://cloud.google.com/blog/products/identity-security/how-it-works-the-novel-http2-rapid-reset-ddos-attack', source: 'cve@mitre.org', tags: ['Technical Description', 'Vendor Advisory'] },
      { url: 'https://blog.cloudflare.com/technical-breakdown-http2-rapid-reset-ddos-attack/', source: 'cve@mitre.org', tags: ['Technical Description'] },
    ],
  };
}

function initialState(): NvdState {
  return { cves: [criticalCve(), minorCve()] };
}

/** NVD's error answer: the status with an empty body and the text in a `message` header. */
function refusal(status: number, message: string, keyed: boolean): TwinResponse {
  return { status, body: '', headers: { message, apikey: keyed ? 'Yes' : 'No' } };
}

function intParam(query: URLSearchParams, name: string, fallback: number): number | undefined {
  const raw = query.get(name);
  if (raw === null) return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

function cves(req: TwinRequest, state: NvdState): TwinResponse {
  const keyed = req.headers['apikey'] !== undefined;
  const cveId = req.query.get('cveId');
  if (cveId !== null && !/^CVE-\d{4}-\d{4,}$/i.test(cveId)) return refusal(404, 'Invalid cveId parameter.', keyed);
  const startIndex = intParam(req.query, 'startIndex', 0);
  const resultsPerPage = intParam(req.query, 'resultsPerPage', MAX_RESULTS_PER_PAGE);
  if (startIndex === undefined) return refusal(404, 'Invalid startIndex parameter.', keyed);
  if (resultsPerPage === undefined || resultsPerPage > MAX_RESULTS_PER_PAGE) return refusal(404, 'Invalid resultsPerPage parameter.', keyed);
  const matching = cveId === null ? state.cves : state.cves.filter((c) => c.id === cveId.toUpperCase());
  const page = matching.slice(startIndex, startIndex + resultsPerPage);
  return {
    headers: { apikey: keyed ? 'Yes' : 'No' },
    body: {
      resultsPerPage: page.length,
      startIndex,
      totalResults: matching.length,
      format: 'NVD_CVE',
      version: '2.0',
      timestamp: NVD_TIMESTAMP,
      vulnerabilities: page.map((cve) => ({ cve })),
    },
  };
}

export const nvdTwin: TwinDefinition<NvdState> = {
  id: 'nvd',
  name: 'NVD',
  initialState,
  authenticate: (req) => {
    const key = req.headers['apikey'];
    if (key === undefined || key === nvdLabCredentials.apiKey) return undefined;
    return refusal(404, 'Invalid apiKey.', true);
  },
  // NVD sends no Retry-After; `retryAfterSeconds` has no header to go into. Source for the 403: nvdlib nvdlib/get.py treats it as the rate limit.
  rateLimited: () => ({ status: 403, body: 'Request forbidden by administrative rules.', headers: { 'content-type': 'text/plain' } }),
  notFound: () => ({ status: 404, body: '' }),
  routes: [{ method: 'GET', path: '/rest/json/cves/2.0', handler: cves }],
};
