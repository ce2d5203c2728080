import * as z from 'zod';

/**
 * What the Splunk actions output (search-job.ts and actions.ts build these objects), for
 * validation of `nodes.<id>.output.…` references. Result rows are Splunk's own fields: open.
 */

const row = z.record(z.string(), z.unknown()).describe('One result row, fields as the search returns them.');
const searchFields = {
  sid: z.string().describe('Search job id.'),
  count: z.number().describe('Rows returned.'),
  resultCount: z.number().describe('Rows the job found.'),
  truncated: z.boolean().describe('The job found more rows than were returned.'),
  messages: z.array(z.object({ type: z.string(), text: z.string() })).describe("Splunk's messages about the search (warnings, errors)."),
};

export const runSearchOutput = z.object({ ...searchFields, results: z.array(row) });

export const listNotablesOutput = z.object({
  ...searchFields,
  notables: z.array(row),
  highest_urgency: z.string().nullable().describe('The highest urgency among the notables (critical … informational).'),
  by_urgency: z.record(z.string(), z.number()).describe('Notables per urgency.'),
});

export const updateNotableOutput = z.object({
  success: z.boolean(),
  message: z.string(),
  success_count: z.unknown(),
  failure_count: z.unknown(),
  details: z.unknown(),
  ruleUIDs: z.array(z.string()),
});
