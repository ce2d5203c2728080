import * as z from 'zod';

/** What CVE details outputs (cve.ts `summarizeCve`), for validation of `nodes.<id>.output.…` references. */
export const cveDetailsOutput = z.object({
  id: z.string().describe('CVE id.'),
  sourceIdentifier: z.string().nullable(),
  vulnStatus: z.string().nullable().describe('NVD analysis status, e.g. Analyzed or Awaiting Analysis.'),
  published: z.string().nullable(),
  lastModified: z.string().nullable(),
  description: z.string().nullable().describe('English description.'),
  cvss: z
    .object({
      version: z.string(),
      baseScore: z.number(),
      baseSeverity: z.string().nullable(),
      vectorString: z.string().nullable(),
      source: z.string().nullable(),
      type: z.string().nullable(),
    })
    .nullable()
    .describe('The preferred CVSS metric (v3.1, else v4.0, v3.0 or v2); null when not scored yet.'),
  baseScore: z.number().nullable(),
  baseSeverity: z.string().nullable(),
  cwes: z.array(z.string()),
  references: z.array(z.object({ url: z.unknown(), source: z.unknown(), tags: z.array(z.string()) })),
  patchLinks: z.array(z.string()).describe('References tagged Patch or Vendor Advisory.'),
  patchAvailable: z.boolean(),
  knownExploited: z.boolean().describe("In CISA's KEV catalog, as NVD records it."),
  cisaExploitAdd: z.string().optional(),
  cisaActionDue: z.string().optional(),
  cisaRequiredAction: z.string().optional(),
  cisaVulnerabilityName: z.string().optional(),
});
