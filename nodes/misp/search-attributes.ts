import * as z from 'zod';
import type { RunAction } from '../sdk/define-connector.ts';
import type { ConnectorHttp } from '../sdk/http-client.ts';
import { unexpectedResponse } from '../sdk/http-errors.ts';
import { searchAttributesOutput } from './outputs.ts';

/** Attributes fetched per request while following pages (MISP's `limit` is a page size). */
export const PAGE_SIZE = 500;

const oneOrMany = (describe: string) => z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional().describe(describe);

export const searchAttributesInput = z.strictObject({
  value: oneOrMany('Value(s) to match, e.g. 185.220.101.45 or a hash; % is a wildcard (%paypa1%).').meta({ title: 'Value' }),
  type: oneOrMany('MISP attribute type(s): ip-src, ip-dst, domain, hostname, url, md5, sha1, sha256, filename, email-src…').meta({ title: 'Type' }),
  category: oneOrMany('Category (or categories): Network activity, Payload delivery, External analysis…').meta({ title: 'Category' }),
  eventid: z.union([z.string().min(1), z.int().positive(), z.array(z.union([z.string().min(1), z.int().positive()])).min(1)]).optional().meta({ title: 'Event ID' }).describe('Only attributes of these event id(s).'),
  tags: z.array(z.string().min(1)).min(1).optional().meta({ title: 'Tags' }).describe('Only attributes carrying one of these tags, e.g. ["tlp:amber"].'),
  to_ids: z.boolean().optional().meta({ title: 'IDS flag' }).describe('Only attributes flagged (true) or not flagged (false) for IDS export.'),
  last: z.string().regex(/^\d+[dhm]$/, 'must look like 7d, 12h or 30m').optional().meta({ title: 'From the last' }).describe('Only attributes from the last period, e.g. 7d, 12h or 30m.'),
  limit: z.int().min(1).max(10_000).default(100).meta({ title: 'Max attributes' }).describe('Most attributes to return; pages are followed until this many (or all) are read.'),
  page: z.int().min(1).optional().meta({ title: 'Page' }).describe('Fetch only this page, with `limit` as the page size (MISP\'s own paging).'),
});

type SearchInput = z.output<typeof searchAttributesInput>;

/** One attribute as `restSearch` returns it (the fields playbooks use; MISP sends more). */
export interface MispAttribute {
  id: string;
  event_id: string;
  type: string;
  category: string;
  value: string;
  to_ids: boolean;
  uuid: string;
  timestamp: string;
  comment: string;
  Event?: { id: string; info: string; [key: string]: unknown };
  Tag?: Array<{ name: string; [key: string]: unknown }>;
  [key: string]: unknown;
}

export interface SearchOutput {
  /** The vendor's list, as MISP names it. */
  Attribute: MispAttribute[];
  count: number;
  /** All matches on the server (MISP's `X-Result-Count`), when it says. */
  total: number | null;
  found: boolean;
  /** The events the matches belong to, in first-seen order. */
  event_ids: string[];
}

/** The restSearch body: the caller's filters as MISP spells them, JSON out, paging set per request. */
export function searchBody(input: SearchInput): Record<string, unknown> {
  const { limit: _limit, page: _page, ...filters } = input;
  return { returnFormat: 'json', ...filters };
}

/**
 * POST /attributes/restSearch. With `page`, that one page; otherwise pages of `min(limit, pageSize)` are
 * read until `limit` attributes, a short page, or MISP's `X-Result-Count` says there are no more.
 */
export async function searchAttributes(http: ConnectorHttp, input: SearchInput, pageSize = PAGE_SIZE): Promise<SearchOutput> {
  const body = searchBody(input);
  if (input.page !== undefined) {
    const one = await fetchPage(http, { ...body, limit: input.limit, page: input.page });
    return summarise(one.attributes, one.total);
  }
  const size = Math.min(pageSize, input.limit);
  const attributes: MispAttribute[] = [];
  let total: number | undefined;
  for (let page = 1; attributes.length < input.limit; page++) {
    const next = await fetchPage(http, { ...body, limit: size, page });
    total ??= next.total;
    attributes.push(...next.attributes);
    if (next.attributes.length < size || (total !== undefined && page * size >= total)) break;
  }
  return summarise(attributes.slice(0, input.limit), total);
}

async function fetchPage(http: ConnectorHttp, body: Record<string, unknown>): Promise<{ attributes: MispAttribute[]; total: number | undefined }> {
  const response = await http.post<unknown>('/attributes/restSearch', body);
  const list = (response.data as { response?: { Attribute?: unknown } } | undefined)?.response?.Attribute;
  if (!Array.isArray(list)) {
    throw unexpectedResponse('MISP', 'misp', 'no response.Attribute list', response.status);
  }
  const header = Number(response.headers['x-result-count']);
  return { attributes: list as MispAttribute[], total: Number.isInteger(header) && header >= 0 ? header : undefined };
}

function summarise(attributes: MispAttribute[], total: number | undefined): SearchOutput {
  return {
    Attribute: attributes,
    count: attributes.length,
    total: total ?? null,
    found: attributes.length > 0,
    event_ids: [...new Set(attributes.map((a) => String(a.event_id)))],
  };
}

const EXAMPLE_ATTRIBUTE: MispAttribute = {
  id: '12',
  event_id: '2',
  object_id: '0',
  object_relation: null,
  category: 'Network activity',
  type: 'ip-src',
  to_ids: true,
  uuid: '5f0c2a6e-3b1d-4c7a-9e2f-1a2b3c4d5e6f',
  timestamp: '1795245600',
  distribution: '5',
  sharing_group_id: '0',
  comment: 'Tor exit relay',
  deleted: false,
  disable_correlation: false,
  first_seen: null,
  last_seen: null,
  value: '185.220.101.45',
  Event: { org_id: '1', distribution: '1', id: '2', info: 'Tor exit relays used for credential stuffing against SSO portals', orgc_id: '1', uuid: '7d3f4a2b-1c9e-4e8a-b5d6-2f1e0a9b8c7d' },
  Tag: [{ id: '3', name: 'tlp:amber', colour: '#FFC000', numerical_value: null, is_galaxy: false, local: 0 }],
};

/** Searches MISP attributes (IOCs) by value, type, category, event, tags or recency. */
export const searchAttributesAction: RunAction<typeof searchAttributesInput> = {
  title: 'Search attributes',
  description: 'Finds MISP attributes (indicators) matching a value, type, category, event, tags or period, following pages up to `limit`. `found` says whether MISP knows the indicator.',
  input: searchAttributesInput,
  effect: 'read',
  output: searchAttributesOutput,
  example: { Attribute: [EXAMPLE_ATTRIBUTE], count: 1, total: 1, found: true, event_ids: ['2'] } satisfies SearchOutput,
  run: (ctx, input) => searchAttributes(ctx.http, input),
};
