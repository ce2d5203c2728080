import * as z from 'zod';

/**
 * What the Elasticsearch actions output (search.ts builds them), for validation of
 * `nodes.<id>.output.…` references. A hit's `_source` is the indexed document: open.
 */

const hit = z.object({
  _index: z.string(),
  _id: z.string(),
  _score: z.number().nullable(),
  _source: z.record(z.string(), z.unknown()).describe('The document as indexed.'),
  sort: z.array(z.unknown()).optional().describe('Sort values, when the search is sorted (the next search_after).'),
});

export const searchOutput = z.object({
  total: z.number().nullable().describe('Documents that matched (a lower bound when total_relation is gte).'),
  total_relation: z.string().nullable(),
  hits: z.array(hit),
  count: z.number().describe('Hits returned.'),
  took: z.number().describe('Milliseconds Elasticsearch spent, all pages together.'),
  timed_out: z.boolean(),
  truncated: z.boolean().describe('More documents matched than were returned.'),
  next_search_after: z.array(z.unknown()).nullable().describe('Pass as search_after to read on (sorted searches only).'),
});

export const countOutput = z.object({
  count: z.number(),
  _shards: z.unknown(),
});
