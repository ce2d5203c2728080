import * as z from 'zod';

/**
 * What the VirusTotal actions output, for validation of `nodes.<id>.output.…` references and for
 * the catalogue. The summary fields are built by the connector (summary.ts), so they are closed;
 * the vendor's own `attributes` and `links` stay open.
 */

const analysisStats = z.object({
  harmless: z.number(),
  malicious: z.number(),
  suspicious: z.number(),
  undetected: z.number(),
  timeout: z.number(),
});

/** Every report action's output: the summary beside the vendor's attributes (summary.ts ReportSummary). */
export const reportOutput = z.object({
  id: z.string(),
  type: z.string().describe('VirusTotal object type: ip_address, domain, url or file.'),
  found: z.boolean().describe('False when VirusTotal has never seen it (verdict unknown).'),
  malicious: z.boolean().describe('At least `threshold` engines say malicious.'),
  verdict: z.enum(['malicious', 'suspicious', 'harmless', 'undetected', 'unknown']),
  detections: z.number().describe('Engines that say malicious.'),
  engines: z.number().describe('Engines that gave an answer.'),
  last_analysis_stats: analysisStats,
  reputation: z.number(),
  flagged_by: z.array(z.object({ engine_name: z.string(), category: z.string(), result: z.string().nullable() })),
  attributes: z.record(z.string(), z.unknown()).describe("The vendor's attributes of the object, as VirusTotal sends them."),
  permalink: z.string(),
});

/** Submit URL: the analysis to poll and the URL identifier for a later URL report. */
export const submitUrlOutput = z.object({
  id: z.string().describe('Analysis id (poll /analyses/{id}).'),
  type: z.unknown(),
  links: z.unknown(),
  url: z.string(),
  url_id: z.string(),
});
