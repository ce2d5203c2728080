import * as z from 'zod';

/** What Check CVE outputs (index.ts), for validation of `nodes.<id>.output.…` references. The entry is CISA's own record: open. */
export const checkCveOutput = z.object({
  cveID: z.string(),
  knownExploited: z.boolean().describe('The CVE is in the KEV catalog.'),
  entry: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('The catalog entry (vendorProject, product, dateAdded, dueDate, requiredAction, knownRansomwareCampaignUse…); only when known exploited.'),
  catalogVersion: z.string(),
  dateReleased: z.string(),
  count: z.number().describe('Entries in the catalog.'),
});
