import * as z from 'zod';
import { defineConnector } from '../sdk/define-connector.ts';
import type { RunAction } from '../sdk/define-connector.ts';
import { loadCatalog } from './catalog.ts';
import { checkCveOutput } from './outputs.ts';

/*
 * The catalog is one public JSON file (github.com/cisagov/kev-data mirrors it with its JSON schema): no
 * auth, no documented rate limit, no pagination. `title` is in the feed but not in the schema. CISA's
 * CDN answers conditional GETs, which the cache uses once its few minutes are up.
 */

/** No secret: the catalog is public. The base URL is kept replaceable for a mirror or the lab. */
export const cisaKevCredentials = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://www.cisa.gov')
    .meta({ title: 'Base URL' })
    .describe('Site that serves /sites/default/files/feeds/known_exploited_vulnerabilities.json; change it only for a mirror or the lab.'),
});

export const checkCveInput = z.strictObject({
  cveID: z
    .string()
    .trim()
    .regex(/^CVE-\d{4}-\d{4,}$/i, 'must look like CVE-2024-3400')
    .transform((id) => id.toUpperCase())
    .meta({ title: 'CVE ID' })
    .describe('The CVE to look up, e.g. CVE-2024-3400.'),
});

/** Shaped from CISA's own entry for CVE-2024-3400. */
export const CHECK_EXAMPLE = {
  cveID: 'CVE-2024-3400',
  knownExploited: true,
  entry: {
    cveID: 'CVE-2024-3400',
    vendorProject: 'Palo Alto Networks',
    product: 'PAN-OS',
    vulnerabilityName: 'Palo Alto Networks PAN-OS Command Injection Vulnerability',
    dateAdded: '2024-04-12',
    shortDescription: 'Palo Alto Networks PAN-OS GlobalProtect feature contains a command injection vulnerability that allows an unauthenticated attacker to execute commands with root privileges on the firewall.',
    requiredAction: 'Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable.',
    dueDate: '2024-04-19',
    knownRansomwareCampaignUse: 'Unknown',
    notes: 'https://security.paloaltonetworks.com/CVE-2024-3400; https://nvd.nist.gov/vuln/detail/CVE-2024-3400',
    cwes: ['CWE-77'],
  },
  catalogVersion: '2026.11.26',
  dateReleased: '2026-11-26T17:02:11.0000Z',
  count: 4,
};

/** Whether a CVE is in the KEV catalog, with its entry (due date, required action, ransomware use). */
const checkCve: RunAction<typeof checkCveInput> = {
  title: 'Check CVE',
  description:
    "Tells whether a CVE is in CISA's Known Exploited Vulnerabilities catalog and returns its entry (date added, due date, required action, known ransomware use). The catalog is cached for a few minutes, so a forEach downloads it once.",
  input: checkCveInput,
  effect: 'read',
  output: checkCveOutput,
  example: CHECK_EXAMPLE,
  run: async (ctx, input) => {
    const catalog = await loadCatalog(ctx);
    const entry = catalog.byCve.get(input.cveID);
    return {
      cveID: input.cveID,
      knownExploited: entry !== undefined,
      ...(entry === undefined ? {} : { entry }),
      catalogVersion: catalog.meta.catalogVersion,
      dateReleased: catalog.meta.dateReleased,
      count: catalog.meta.count,
    };
  },
};

/** CISA's Known Exploited Vulnerabilities catalog. */
export const cisaKevConnector = defineConnector({
  id: 'cisa_kev',
  name: 'CISA KEV',
  category: 'vulnerability',
  docsUrl: 'https://www.cisa.gov/known-exploited-vulnerabilities-catalog',
  description: "Whether a CVE is known to be exploited in the wild, from CISA's Known Exploited Vulnerabilities catalog (public JSON feed, no key).",
  credentials: cisaKevCredentials,
  http: (credentials) => ({ baseURL: credentials.baseUrl, headers: { Accept: 'application/json' } }),
  actions: {
    check_cve: checkCve,
  },
});
