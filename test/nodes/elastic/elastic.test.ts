import { describe, expect, it } from 'vitest';
import { scenario } from '../../../lab/scenario.ts';
import { elasticLabCredentials, elasticTwin } from '../../../lab/twins/elastic.ts';
import { encodedKey } from '../../../nodes/elastic/credentials.ts';
import { elasticError } from '../../../nodes/elastic/errors.ts';
import { elasticConnector } from '../../../nodes/elastic/index.ts';
import { indexPath, isTruncated, nextPosition, pageBody, searchInput } from '../../../nodes/elastic/search.ts';
import type { SearchPage } from '../../../nodes/elastic/search.ts';
import { useTwin } from '../../support/twin-fixture.ts';

const IP = scenario.login.maliciousIp;

const { twin, credentials, run, fault, rateLimit } = useTwin(elasticConnector, elasticTwin, elasticLabCredentials);

const searches = () => twin().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/_search')).length;

type Hit = { _index: string; _id: string; _score: number | null; _source?: Record<string, unknown>; sort?: unknown[] };

/** A field of a hit's `_source` by dotted path. */
function field(hit: Hit | undefined, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), hit?._source);
}
type SearchOutput = { total: number; total_relation: string; hits: Hit[]; count: number; took: number; truncated: boolean; next_search_after: unknown[] | null };

describe('elastic connector against its twin', () => {
  it('marks both key forms secret and declares read effects', () => {
    expect(elasticConnector.secretFields).toEqual(['encodedApiKey', 'apiKey']);
    expect(elasticConnector.specs.map((s) => `${s.action}:${s.effect}`)).toEqual(['search:read', 'count:read', 'alerts_trigger:read']);
  });

  it('search runs a bool query and returns total, hits and took', async () => {
    const { node } = await run('search', {
      index: 'logs-auth',
      query: {
        bool: {
          filter: [{ term: { 'source.ip': IP } }, { range: { '@timestamp': { gte: '2026-11-27T08:00:00Z', lte: '2026-11-27T09:00:00Z' } } }],
          must_not: [{ term: { 'event.outcome': 'success' } }],
        },
      },
    });
    expect(node.status).toBe('succeeded');
    const out = node.output as SearchOutput;
    expect(out).toMatchObject({ total: 3, total_relation: 'eq', count: 3, truncated: false, next_search_after: null });
    expect(out.took).toBeGreaterThan(0);
    expect(out.hits.every((h) => h._index === 'logs-auth' && field(h, 'source.ip') === IP && field(h, 'event.outcome') === 'failure')).toBe(true);
    expect(out.hits.map((h) => field(h, 'user.name'))).toEqual([scenario.login.user, scenario.login.user, scenario.login.user]);
  });

  it('pages with search_after when sorted, and resumes from next_search_after', async () => {
    const first = await run('search', { index: 'logs-*', sort: [{ '@timestamp': 'asc' }], size: 2, limit: 5, _source: ['@timestamp'] });
    const out = first.node.output as SearchOutput;
    expect(out).toMatchObject({ total: 10, count: 5, truncated: true });
    expect(searches()).toBe(3);
    const times = out.hits.map((h) => h.sort?.[0] as number);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(out.next_search_after).toEqual(out.hits.at(-1)?.sort);
    expect(out.hits[0]?._source).toEqual({ '@timestamp': '2026-11-27T07:31:12.000Z' });
    const rest = await run('search', { index: 'logs-*', sort: [{ '@timestamp': 'asc' }], size: 100, search_after: out.next_search_after, limit: 100 });
    const tail = rest.node.output as SearchOutput;
    expect(tail).toMatchObject({ count: 5, truncated: false });
    expect(new Set([...out.hits, ...tail.hits].map((h) => h._id)).size).toBe(10);
  });

  it('pages with from/size when unsorted, stopping at the total', async () => {
    const all = await run('search', { index: 'logs-auth', size: 2, limit: 5 });
    expect(all.node.output).toMatchObject({ total: 5, count: 5, truncated: false });
    expect(searches()).toBe(3);
    twin().reset();
    const some = await run('search', { index: 'logs-auth', size: 2, limit: 3 });
    expect(some.node.output).toMatchObject({ total: 5, count: 3, truncated: true });
    expect(searches()).toBe(2);
  });

  it('matches across indices with match and terms (a .keyword suffix is accepted)', async () => {
    const { node } = await run('search', {
      index: 'logs-auth,logs-proxy',
      query: { bool: { must: [{ match: { 'user.name': scenario.login.user } }], filter: [{ terms: { 'event.category.keyword': ['web', 'authentication'] } }] } },
      sort: ['@timestamp'],
    });
    const out = node.output as SearchOutput;
    expect(out.hits.map((h) => h._index)).toEqual(['logs-proxy', 'logs-auth', 'logs-auth', 'logs-auth', 'logs-auth']);
    expect(field(out.hits[0], 'url.full')).toBe(scenario.phishing.maliciousUrl);
  });

  it('count counts matching documents', async () => {
    const { node } = await run('count', { index: 'logs-*', query: { term: { 'host.name': scenario.host.hostname } } });
    expect(node.status).toBe('succeeded');
    expect(node.output).toEqual({ count: 2, _shards: { total: 3, successful: 3, skipped: 0, failed: 0 } });
    const malware = await run('count', { index: 'logs-endpoint', query: { bool: { filter: [{ term: { 'file.hash.sha256': scenario.phishing.attachment.sha256 } }, { term: { 'event.kind': 'alert' } }] } } });
    expect(malware.node.output).toMatchObject({ count: 1 });
  });

  it('accepts the encoded key as Kibana shows it', async () => {
    const encoded = Buffer.from(`${elasticLabCredentials.apiKeyId}:${elasticLabCredentials.apiKey}`).toString('base64');
    const { node } = await run('count', { index: 'logs-auth' }, {}, { baseUrl: twin().url, encodedApiKey: encoded });
    expect(node.output).toMatchObject({ count: 5 });
  });

  it('refuses a credential with neither key form before calling', async () => {
    const { node } = await run('count', { index: 'logs-auth' }, {}, { baseUrl: twin().url, apiKeyId: 'only-the-id' });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('AUTH');
    expect(node.error?.message).toContain('encodedApiKey');
    expect(twin().requests).toHaveLength(0);
  });

  it('a wrong key fails with AUTH and the security_exception reason, without retrying', async () => {
    const { node } = await run('search', { index: 'logs-auth' }, {}, { ...credentials(), apiKey: 'wrong-key' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({
      code: 'AUTH',
      status: 401,
      message: 'Elasticsearch 401 security_exception: unable to authenticate with provided credentials and anonymous access is not allowed for this request',
    });
    expect(twin().requests).toHaveLength(1);
  });

  it('honours a 429 Retry-After and then succeeds', async () => {
    await fault({
      path: '/_search$',
      status: 429,
      headers: { 'retry-after': '2' },
      body: { error: { root_cause: [{ type: 'es_rejected_execution_exception', reason: 'rejected execution' }], type: 'es_rejected_execution_exception', reason: 'rejected execution' }, status: 429 },
      times: 1,
    });
    const { node, sleeps } = await run('search', { index: 'logs-auth' });
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(2);
    expect(sleeps).toContain(2000);
    expect(node.output).toMatchObject({ total: 5 });
  });

  it('retries the twin’s es_rejected_execution_exception and names it when it persists', async () => {
    await rateLimit({ budget: 0 });
    const { node, sleeps } = await run('count', { index: 'logs-auth' }, { retry: { maxAttempts: 2 } });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('RATE_LIMITED');
    expect(node.error?.message).toMatch(/^Elasticsearch 429 es_rejected_execution_exception: rejected execution of .* on QueueResizingEsThreadPoolExecutor/);
    expect(sleeps).toEqual([500]);
  });

  it('surfaces parsing errors with Elasticsearch’s own reason', async () => {
    const unknown = await run('search', { index: 'logs-auth', query: { mtch: { 'user.name': 'alice' } } });
    expect(unknown.node.error).toMatchObject({ code: 'BAD_REQUEST', status: 400, message: 'Elasticsearch 400 parsing_exception: unknown query [mtch]' });
    const twoFields = await run('count', { index: 'logs-auth', query: { term: { 'user.name': 'a', 'source.ip': 'b' } } });
    expect(twoFields.node.error?.message).toBe("Elasticsearch 400 parsing_exception: [term] query doesn't support multiple fields, found [user.name] and [source.ip]");
    const unsupported = await run('search', { index: 'logs-auth', query: { wildcard: { 'user.name': 'a*' } } });
    expect(unsupported.node.error?.message).toBe('Elasticsearch 400 parsing_exception: [wildcard] query is not supported by the Switchboard lab twin');
  });

  it('reports a missing index as NOT_FOUND and a too-deep page with the root cause', async () => {
    const missing = await run('search', { index: 'logs-auth,nope' });
    expect(missing.node.error).toMatchObject({ code: 'NOT_FOUND', status: 404, message: 'Elasticsearch 404 index_not_found_exception: no such index [nope]' });
    const none = await run('count', { index: 'nope-*' });
    expect(none.node.output).toMatchObject({ count: 0 });
    const deep = await run('search', { index: 'logs-auth', from: 9_990, size: 100, limit: 100 });
    expect(deep.node.error?.code).toBe('BAD_REQUEST');
    expect(deep.node.error?.message).toMatch(/^Elasticsearch 400 illegal_argument_exception: Result window is too large, from \+ size must be less than or equal to: \[10000\] but was \[10090\]/);
  });

  it('runs searches in a dry run: they only read', async () => {
    const { node } = await run('search', { index: 'logs-proxy' }, { dryRun: true });
    expect(node.status).toBe('succeeded');
    expect(node.output).toMatchObject({ total: 2 });
    expect(searches()).toBe(1);
  });
});

describe('elastic helpers', () => {
  const page = (n: number, total: number | null = 10, relation = 'eq'): SearchPage => ({
    took: 1,
    timed_out: false,
    total,
    relation,
    hits: Array.from({ length: n }, (_, i) => ({ _index: 'i', _id: String(i), _score: null, sort: [i] })),
  });

  it('plans the next page by search_after or offset', () => {
    expect(nextPosition(true, page(2), 2, 2, 5, {})).toEqual({ after: [1] });
    expect(nextPosition(true, page(1), 2, 3, 5, {})).toBeUndefined();
    expect(nextPosition(false, page(2), 2, 2, 5, { from: 4 })).toEqual({ from: 6 });
    expect(nextPosition(false, page(2), 2, 4, 5, { from: 8 })).toBeUndefined();
    expect(nextPosition(false, page(2, 10, 'gte'), 2, 4, 5, { from: 8 })).toEqual({ from: 10 });
    expect(nextPosition(false, page(2), 2, 5, 5, { from: 0 })).toBeUndefined();
  });

  it('says truncated only when more hits exist', () => {
    expect(isTruncated(5, 5, true, null)).toBe(true);
    expect(isTruncated(5, 5, true, 0)).toBe(false);
    expect(isTruncated(4, 5, true, 3)).toBe(false);
    expect(isTruncated(5, 5, false, null)).toBe(false);
  });

  it('builds page bodies and index paths', () => {
    const input = searchInput.parse({ index: 'logs-auth', sort: { '@timestamp': 'desc' }, from: 3 });
    expect(pageBody(input, 10, { from: 3 })).toEqual({ query: { match_all: {} }, size: 10, from: 3, sort: { '@timestamp': 'desc' } });
    expect(pageBody(input, 10, { after: [1] })).toEqual({ query: { match_all: {} }, size: 10, search_after: [1], sort: { '@timestamp': 'desc' } });
    expect(indexPath('logs-auth, logs-proxy')).toBe('logs-auth,logs-proxy');
    expect(indexPath('my index#1')).toBe('my%20index%231');
    expect(() => searchInput.parse({ index: 'a', search_after: [1] })).toThrow(/search_after needs sort/);
    expect(() => searchInput.parse({ index: 'a', sort: ['@timestamp'], search_after: [1], from: 5 })).toThrow(/from must be 0 with search_after/);
  });

  it('encodes id:api_key unless the encoded value is given', () => {
    expect(encodedKey({ apiKeyId: 'VuaCfGcBCdbkQm-e5aOx', apiKey: 'ui2lp2axTNmsyakw9tvNnw' })).toBe('VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==');
    expect(encodedKey({ encodedApiKey: ' abc== ', apiKeyId: 'x', apiKey: 'y' })).toBe('abc==');
  });

  it('reads the useful line out of Elasticsearch error bodies', () => {
    expect(elasticError(404, { error: { root_cause: [], type: 'index_not_found_exception', reason: 'no such index [x]' }, status: 404 })).toBe('index_not_found_exception: no such index [x]');
    expect(
      elasticError(400, { error: { root_cause: [{ type: 'query_shard_exception', reason: 'failed to create query' }], type: 'search_phase_execution_exception', reason: 'all shards failed' }, status: 400 }),
    ).toBe('query_shard_exception: failed to create query');
    expect(elasticError(400, { error: 'no handler found for uri [/x] and method [GET]' })).toBe('no handler found for uri [/x] and method [GET]');
    expect(elasticError(502, '<html/>')).toBeUndefined();
  });
});
