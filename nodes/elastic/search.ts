import * as z from 'zod';
import type { RunAction } from '../sdk/define-connector.ts';
import { unexpectedResponse } from '../sdk/http-errors.ts';
import { COUNT_EXAMPLE, SEARCH_EXAMPLE } from './examples.ts';
import { countOutput, searchOutput } from './outputs.ts';

/** One hit as the search API returns it (`hits.hits[]`), `sort` present when the request sorted. */
export interface ElasticHit {
  _index: string;
  _id: string;
  _score: number | null;
  _source?: unknown;
  sort?: unknown[];
}

/** One page of a search response, reduced to what paging needs. */
export interface SearchPage {
  took: number;
  timed_out: boolean;
  total: number | null;
  relation: string | null;
  hits: ElasticHit[];
}

const sortValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const sortClause = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);

const indexName = z
  .string()
  .min(1)
  .max(4_096)
  .regex(/^[^\s/\\#?"<>|]+$/, 'must be an index, alias, data stream or pattern (comma-separated, no spaces)')
  .meta({ title: 'Index' })
  .describe('Index, alias, data stream or pattern, e.g. logs-auth, logs-*, or logs-auth,logs-proxy.');

const query = z
  .record(z.string(), z.unknown())
  .optional()
  .meta({ title: 'Query (DSL)' })
  .describe('Query DSL object, e.g. {"bool": {"filter": [{"term": {"source.ip": "185.220.101.45"}}]}}; match_all when absent.');

/** Params of `search`: the search API's body fields by their Elasticsearch names, plus `limit` for paging. */
export const searchInput = z
  .strictObject({
    index: indexName,
    query,
    size: z.int().min(1).max(10_000).default(100).meta({ title: 'Hits per page' }).describe('Hits per request (Elasticsearch `size`); pages follow up to `limit`.'),
    from: z.int().min(0).max(9_999).default(0).meta({ title: 'From (offset)' }).describe('Offset of the first hit (`from`); later pages use search_after when sorted, from/size otherwise.'),
    sort: z
      .union([sortClause, z.array(sortClause).min(1)])
      .optional()
      .meta({ title: 'Sort' })
      .describe('Sort, e.g. [{"@timestamp": "desc"}]. With a sort, pages follow with search_after (deep paging); without one, with from/size (first 10,000 hits).'),
    _source: z
      .union([z.boolean(), z.string(), z.array(z.string()), z.object({ includes: z.array(z.string()).optional(), excludes: z.array(z.string()).optional() })])
      .optional()
      .meta({ title: 'Source fields' })
      .describe('Source filtering: false, a field pattern, a list of them, or {includes, excludes}.'),
    search_after: z.array(sortValue).min(1).optional().meta({ title: 'Search after' }).describe('Start after these sort values (the `next_search_after` of a previous run); needs `sort`.'),
    track_total_hits: z.union([z.boolean(), z.int().min(0)]).optional().meta({ title: 'Track total hits' }).describe('Count hits exactly (true) or up to a number; Elasticsearch stops at 10,000 by default.'),
    limit: z.int().min(1).max(10_000).default(100).meta({ title: 'Max hits' }).describe('Most hits to return across pages; the output says `truncated` when more matched.'),
  })
  .refine((v) => v.search_after === undefined || v.sort !== undefined, { message: 'search_after needs sort', path: ['search_after'] })
  .refine((v) => v.search_after === undefined || v.from === 0, { message: 'from must be 0 with search_after (Elasticsearch refuses both)', path: ['from'] });

/** Params of `count`: the index expression and an optional query. */
export const countInput = z.strictObject({ index: indexName, query });

/** The index part of the path: each name URL-encoded, commas kept as separators. */
export function indexPath(index: string): string {
  return index
    .split(',')
    .map((name) => encodeURIComponent(name.trim()))
    .join(',');
}

/** Where a page starts: an offset (from/size paging) or the sort values of the last hit seen. */
export interface Position {
  from?: number;
  after?: unknown[];
}

/** The request body of one page; `after` replaces `from` once paging by search_after. */
export function pageBody(input: z.output<typeof searchInput>, size: number, position: Position): Record<string, unknown> {
  const body: Record<string, unknown> = { query: input.query ?? { match_all: {} }, size };
  if (position.after !== undefined) body['search_after'] = position.after;
  else if (position.from !== undefined && position.from > 0) body['from'] = position.from;
  if (input.sort !== undefined) body['sort'] = input.sort;
  if (input._source !== undefined) body['_source'] = input._source;
  if (input.track_total_hits !== undefined) body['track_total_hits'] = input.track_total_hits;
  return body;
}

/** Reads one search response; hits.total is an object since 7.0 and a number before. */
export function parsePage(data: unknown): SearchPage {
  const body = (data ?? {}) as { took?: unknown; timed_out?: unknown; hits?: { total?: unknown; hits?: unknown } };
  if (body.hits === undefined || !Array.isArray(body.hits.hits)) throw new Error('no hits.hits list');
  const total = body.hits.total;
  const counted = typeof total === 'number' ? { value: total, relation: 'eq' } : (total as { value?: unknown; relation?: unknown } | undefined);
  return {
    took: typeof body.took === 'number' ? body.took : 0,
    timed_out: body.timed_out === true,
    total: typeof counted?.value === 'number' ? counted.value : null,
    relation: typeof counted?.relation === 'string' ? counted.relation : null,
    hits: body.hits.hits as ElasticHit[],
  };
}

/** Where the next page starts, or undefined when this page was the last one wanted (or there is none). */
export function nextPosition(sorted: boolean, page: SearchPage, requested: number, got: number, limit: number, position: Position): Position | undefined {
  if (page.hits.length < requested || got >= limit) return undefined;
  if (sorted) {
    const after = page.hits.at(-1)?.sort;
    return Array.isArray(after) ? { after } : undefined;
  }
  const next = (position.from ?? 0) + page.hits.length;
  if (page.relation === 'eq' && page.total !== null && next >= page.total) return undefined;
  return { from: next };
}

/**
 * Whether hits were left behind: `limit` stopped the paging while the last page was full, and
 * (for offset paging from a known exact total) the total says there is more.
 */
export function isTruncated(hits: number, limit: number, lastPageFull: boolean, exactRemaining: number | null): boolean {
  if (hits < limit || !lastPageFull) return false;
  return exactRemaining === null || exactRemaining > 0;
}

function readPage(data: unknown, status: number): SearchPage {
  try {
    return parsePage(data);
  } catch (error) {
    throw unexpectedResponse('Elasticsearch', 'elastic', error, status);
  }
}

/** POST /{index}/_search, paging with search_after (sorted) or from/size up to `limit`. */
export const search: RunAction<typeof searchInput> = {
  title: 'Search',
  description:
    'Runs a Query DSL search on an index or pattern and returns the hits (`_index`, `_id`, `_source`), the total and the time taken, paging up to `limit`.',
  input: searchInput,
  effect: 'read',
  output: searchOutput,
  example: SEARCH_EXAMPLE,
  run: async (ctx, input) => {
    const path = `/${indexPath(input.index)}/_search`;
    const sorted = input.sort !== undefined;
    const hits: ElasticHit[] = [];
    const pages: SearchPage[] = [];
    let position: Position | undefined = input.search_after === undefined ? { from: input.from } : { after: input.search_after };
    let requested = 0;
    while (position !== undefined) {
      requested = Math.min(input.size, input.limit - hits.length);
      const response = await ctx.http.post<unknown>(path, pageBody(input, requested, position));
      const page = readPage(response.data, response.status);
      pages.push(page);
      hits.push(...page.hits.slice(0, requested));
      position = nextPosition(sorted, page, requested, hits.length, input.limit, position);
    }
    const first = pages[0];
    const total = first?.total ?? null;
    const exact = input.search_after === undefined && first?.relation === 'eq' && total !== null;
    const lastFull = (pages.at(-1)?.hits.length ?? 0) >= requested;
    return {
      total,
      total_relation: first?.relation ?? null,
      hits: hits.map(({ _index, _id, _score, _source, sort }) => ({ _index, _id, _score, _source, ...(sort === undefined ? {} : { sort }) })),
      count: hits.length,
      took: pages.reduce((sum, p) => sum + p.took, 0),
      timed_out: pages.some((p) => p.timed_out),
      truncated: isTruncated(hits.length, input.limit, lastFull, exact ? total - input.from - hits.length : null),
      next_search_after: sorted ? (hits.at(-1)?.sort ?? null) : null,
    };
  },
};

/** POST /{index}/_count. */
export const count: RunAction<typeof countInput> = {
  title: 'Count',
  description: 'Counts the documents of an index or pattern that match a Query DSL query (all of them without one).',
  input: countInput,
  effect: 'read',
  output: countOutput,
  example: COUNT_EXAMPLE,
  run: async (ctx, input) => {
    const response = await ctx.http.post<unknown>(`/${indexPath(input.index)}/_count`, { query: input.query ?? { match_all: {} } });
    const body = (response.data ?? {}) as { count?: unknown; _shards?: unknown };
    if (typeof body.count !== 'number') throw unexpectedResponse('Elasticsearch', 'elastic', 'no count', response.status);
    return { count: body.count, _shards: body._shards };
  },
};
