import * as z from 'zod';

/**
 * What the Tenable Vulnerability Management actions output, for validation of
 * `nodes.<id>.output.…` references. Findings and assets are Tenable's own objects: open.
 */

const finding = z.record(z.string(), z.unknown()).describe('A vulnerability finding (asset, plugin, severity, state…), compacted by findings.ts.');

/** List vulnerabilities (list-vulnerabilities.ts). */
export const listVulnerabilitiesOutput = z.object({
  export_uuid: z.string(),
  vulnerabilities: z.array(finding),
  total: z.number(),
  truncated: z.boolean(),
  chunks: z.number().describe('Export chunks downloaded.'),
  bySeverity: z.object({ info: z.number(), low: z.number(), medium: z.number(), high: z.number(), critical: z.number() }),
});

/** Get asset: Tenable's asset as it is (id, ipv4, fqdn, hostname, operating_system, last_seen…). */
export const getAssetOutput = z.looseObject({
  id: z.string(),
});
