import { randomBytes } from 'node:crypto';
import { scenario } from '../scenario.ts';
import type { TwinDefinition, TwinRequest, TwinResponse } from '../twin.ts';
import { BAD_EMIT_COUNT, emitBody, emitCount, emittedAt, emitText } from '../emit-time.ts';

/**
 * Twin of the Elasticsearch search API: `GET|POST /{index}/_search` and `/{index}/_count` (and
 * the index-less forms) over ECS documents from the shared scenario in logs-auth, logs-endpoint
 * and logs-proxy. `Authorization: ApiKey <base64(id:api_key)>` is checked; refusals and failures
 * use the `{error:{root_cause,type,reason},status}` envelope (security_exception 401,
 * index_not_found_exception 404, parsing_exception 400, es_rejected_execution_exception 429 with
 * no Retry-After, as Elasticsearch sends none). Every answer carries `X-elastic-product`.
 *
 * The Query DSL subset is honest about itself: match_all, match_none, term, terms, match, range,
 * exists, bool (must/filter/should/must_not, minimum_should_match) and constant_score. `term` and
 * `terms` compare exactly (keyword semantics; a `.keyword` suffix is accepted), `match` compares
 * lower-cased whitespace/punctuation tokens (operator or|and, no stemming), `range` compares
 * numbers, ISO dates and `now±N(s|m|h|d|w)` date math. Other real query types answer a
 * parsing_exception saying the twin lacks them; unknown names answer Elasticsearch's own
 * "unknown query [x]". Sorting (field asc/desc, _score, _doc; dates sort as epoch millis),
 * from/size with the 10,000 result window, search_after, _source filtering and
 * track_total_hits follow the reference. Scores are constant (1.0).
 *
 * Elastic Security's detection alerts live in `.alerts-security.alerts-default` (alerts-as-data,
 * flat `kibana.alert.*` fields, `_id` = `kibana.alert.uuid`); like every dot-prefixed (hidden)
 * index, `_all`, `*` and patterns not starting with `.` leave it out. `POST /_lab/emit` writes new
 * alerts as the detection engine would: `{ count?, rule_name?, severity?, risk_score?, host?, user?,
 * ageSeconds?, duplicateOf? }`; `ageSeconds` back-dates `@timestamp` (a late-indexed alert), `skewSeconds` shifts it (a source clock ahead or behind),
 * `duplicateOf` writes another copy of an existing `_id` (as a rollover leaves one in two backing indices).
 */

/** The index of the default space's detection alerts. */
export const ALERTS_INDEX = '.alerts-security.alerts-default';

/** The API key `switchboard lab` binds; the connector encodes it as base64(id:api_key). */
export const elasticLabCredentials = { apiKeyId: 'lab-elastic-key-id', apiKey: 'lab-elastic-api-key' };

type Source = Record<string, unknown>;

interface Doc {
  _id: string;
  _source: Source;
}

/** What the Elasticsearch twin holds: accepted API keys and the scenario's documents per index. */
export interface ElasticTwinState {
  /** API key id → api_key. */
  apiKeys: Record<string, string>;
  indices: Record<string, Doc[]>;
}

const PRODUCT = { 'X-elastic-product': 'Elasticsearch' };
const MAX_RESULT_WINDOW = 10_000;
const TRACK_TOTAL_DEFAULT = 10_000;
const SEARCH_KEYS = new Set(['query', 'size', 'from', 'sort', '_source', 'search_after', 'track_total_hits', 'timeout', 'track_scores', 'version', 'seq_no_primary_term', 'stored_fields', 'docvalue_fields', 'fields', 'explain', 'min_score', 'terminate_after', 'highlight', 'aggs', 'aggregations', 'post_filter', 'collapse', 'pit', 'runtime_mappings', 'rescore', 'suggest', 'stats', 'profile', 'indices_boost', 'script_fields', 'slice', 'knn', 'rank', 'retriever', 'ext']);
const TWIN_SEARCH_KEYS = new Set(['query', 'size', 'from', 'sort', '_source', 'search_after', 'track_total_hits', 'timeout']);
const REAL_QUERIES = new Set([
  'boosting', 'combined_fields', 'dis_max', 'distance_feature', 'function_score', 'fuzzy', 'geo_bounding_box', 'geo_distance', 'geo_grid', 'geo_polygon',
  'geo_shape', 'has_child', 'has_parent', 'ids', 'intervals', 'knn', 'match_bool_prefix', 'match_phrase', 'match_phrase_prefix', 'more_like_this',
  'multi_match', 'nested', 'parent_id', 'percolate', 'pinned', 'prefix', 'query_string', 'rank_feature', 'regexp', 'script', 'script_score', 'semantic',
  'shape', 'simple_query_string', 'span_containing', 'span_field_masking', 'span_first', 'span_multi', 'span_near', 'span_not', 'span_or', 'span_term',
  'span_within', 'sparse_vector', 'terms_set', 'text_expansion', 'weighted_tokens', 'wildcard', 'wrapper',
]);

function docs(prefix: string, sources: Source[]): Doc[] {
  return sources.map((_source, i) => ({ _id: `${prefix}${String(i + 1).padStart(20 - prefix.length, '0')}`, _source }));
}

function at(iso: string, offsetSeconds = 0): string {
  return new Date(Date.parse(iso) + offsetSeconds * 1000).toISOString();
}

function authDoc(time: string, outcome: 'success' | 'failure', user: string, ip: string, country: string): Source {
  return {
    '@timestamp': time,
    event: { kind: 'event', category: ['authentication'], type: ['start'], action: outcome === 'success' ? 'user.session.start' : 'user.authentication.auth_via_mfa', outcome, dataset: 'okta.system' },
    source: { ip, geo: { country_iso_code: country } },
    user: { name: user },
    related: { ip: [ip], user: [user] },
    message: outcome === 'success' ? 'User login to Okta' : 'Authentication of user via MFA: INVALID_CREDENTIALS',
  };
}

function initialState(): ElasticTwinState {
  const { login, host, phishing, users, vulnerability } = scenario;
  const attachment = phishing.attachment;
  const detection = host.detection;
  const path = `C:\\Users\\${host.user}\\Downloads\\${detection.fileName}`;
  const hostFields = { name: host.hostname, hostname: host.hostname, ip: [host.localIp], os: { name: host.os, family: 'windows' } };
  const proxy = (time: string, ip: string, user: string, url: string): Source => {
    const parsed = new URL(url);
    return {
      '@timestamp': time,
      event: { kind: 'event', category: ['web'], type: ['access'], action: 'allowed', outcome: 'success', dataset: 'zscaler_zia.web' },
      source: { ip },
      user: { name: user },
      url: { full: url, domain: parsed.hostname, path: parsed.pathname, scheme: parsed.protocol.replace(':', '') },
      destination: { domain: parsed.hostname },
      http: { request: { method: 'GET' }, response: { status_code: 200, bytes: 4821 } },
    };
  };
  return {
    apiKeys: { [elasticLabCredentials.apiKeyId]: elasticLabCredentials.apiKey },
    indices: {
      'logs-auth': docs('sbAuth', [
        authDoc(at('2026-11-27T07:31:12Z'), 'success', users.bob.login, login.benignIp, 'US'),
        authDoc(at(login.time, -22), 'failure', login.user, login.maliciousIp, login.country),
        authDoc(at(login.time, -16), 'failure', login.user, login.maliciousIp, login.country),
        authDoc(at(login.time, -8), 'failure', login.user, login.maliciousIp, login.country),
        authDoc(at(login.time), 'success', login.user, login.maliciousIp, login.country),
      ]),
      'logs-endpoint': docs('sbEndp', [
        {
          '@timestamp': at('2026-11-27T08:02:38Z'),
          event: { kind: 'event', category: ['process'], type: ['start'], action: 'ProcessRollup2', dataset: 'crowdstrike.fdr' },
          host: hostFields,
          user: { name: host.user },
          process: { name: detection.fileName, executable: path, hash: { sha256: attachment.sha256 }, parent: { name: 'OUTLOOK.EXE' } },
        },
        {
          '@timestamp': at('2026-11-27T08:02:39Z'),
          event: { kind: 'alert', category: ['malware'], type: ['info'], action: 'malware-detected', severity: 90, dataset: 'crowdstrike.falcon' },
          host: hostFields,
          user: { name: host.user },
          file: { name: detection.fileName, path, size: attachment.size, hash: { sha256: attachment.sha256, sha1: attachment.sha1, md5: attachment.md5 } },
          threat: { tactic: { name: [detection.tactic] }, technique: { name: [detection.technique] } },
          rule: { name: 'MaliciousFile', id: detection.id },
          message: `${detection.severity} detection: ${detection.fileName} on ${host.hostname}`,
        },
        {
          '@timestamp': at('2026-11-27T08:10:02Z'),
          event: { kind: 'event', category: ['process'], type: ['start'], action: 'ProcessRollup2', dataset: 'crowdstrike.fdr' },
          host: { name: vulnerability.minor.asset.hostname, hostname: vulnerability.minor.asset.hostname, ip: [vulnerability.minor.asset.ip], os: { name: 'Ubuntu 22.04', family: 'linux' } },
          user: { name: 'build' },
          process: { name: 'make', executable: '/usr/bin/make', parent: { name: 'bash' } },
        },
      ]),
      [ALERTS_INDEX]: [
        alertDoc({ rule_name: 'Malware Detection Alert', severity: 'high', risk_score: 73, host: host.hostname, user: host.user }, Date.parse(at('2026-11-27T08:02:41Z')), at('2026-11-27T08:02:39Z')),
      ],
      'logs-proxy': docs('sbProx', [
        proxy(at('2026-11-27T07:58:20Z'), host.localIp, login.user, phishing.maliciousUrl),
        proxy(at('2026-11-27T08:05:44Z'), '10.20.30.52', users.bob.login, phishing.cleanUrl),
      ]),
    },
  };
}

/** A detection alert as the detection engine indexes it: flat alerts-as-data fields, `_id` = `kibana.alert.uuid`. */
function alertDoc(body: Record<string, unknown>, time: number, originalTime?: string): Doc {
  const id = randomBytes(32).toString('hex');
  const rule = emitText(body, 'rule_name', 'Multiple Logon Failure Followed by Logon Success');
  const severity = ['low', 'medium', 'high', 'critical'].includes(emitText(body, 'severity', '')) ? emitText(body, 'severity', '') : 'medium';
  const risk = typeof body['risk_score'] === 'number' ? body['risk_score'] : { low: 21, medium: 47, high: 73, critical: 99 }[severity];
  const hostName = emitText(body, 'host', scenario.host.hostname);
  const user = emitText(body, 'user', scenario.host.user);
  const timestamp = new Date(time).toISOString();
  return {
    _id: id,
    _source: {
      '@timestamp': timestamp,
      'kibana.alert.uuid': id,
      'kibana.alert.rule.name': rule,
      'kibana.alert.rule.uuid': `rule-${Buffer.from(rule).toString('hex').slice(0, 24)}`,
      'kibana.alert.rule.category': 'Custom Query Rule',
      'kibana.alert.severity': severity,
      'kibana.alert.risk_score': risk,
      'kibana.alert.workflow_status': 'open',
      'kibana.alert.status': 'active',
      'kibana.alert.original_time': originalTime ?? timestamp,
      'kibana.alert.reason': `event on ${hostName} created ${severity} alert ${rule}.`,
      'kibana.space_ids': ['default'],
      'event.kind': 'signal',
      host: { name: hostName },
      user: { name: user },
    },
  };
}

/** `POST /_lab/emit`: writes `count` new detection alerts (or another copy of `duplicateOf`) now. */
function emitAlerts(raw: unknown, state: ElasticTwinState): TwinResponse {
  const body = emitBody(raw);
  const alerts = (state.indices[ALERTS_INDEX] ??= []);
  const duplicateOf = body['duplicateOf'];
  if (duplicateOf !== undefined) {
    const original = alerts.find((doc) => doc._id === duplicateOf);
    if (original === undefined) return { status: 404, body: { error: `emit: no alert with _id ${String(duplicateOf)}` } };
    const copy = { _id: original._id, _source: { ...original._source } };
    alerts.push(copy);
    return { body: { alerts: [{ _index: ALERTS_INDEX, ...copy }] } };
  }
  const count = emitCount(body);
  if (count === undefined) return BAD_EMIT_COUNT;
  const added = Array.from({ length: count }, () => alertDoc(body, emittedAt(body)));
  alerts.push(...added);
  return { body: { alerts: added.map((doc) => ({ _index: ALERTS_INDEX, ...doc })) } };
}

// ---- errors ---------------------------------------------------------------------------------

/** An Elasticsearch failure: the root cause repeated at the top, as the REST layer renders it. */
function failure(status: number, type: string, reason: string, extra: Record<string, unknown> = {}): TwinResponse {
  const cause = { type, reason, ...extra };
  return { status, headers: PRODUCT, body: { error: { root_cause: [cause], ...cause }, status } };
}

/** A failure on every shard: search_phase_execution_exception wrapping the real cause. */
function shardFailure(type: string, reason: string): TwinResponse {
  const cause = { type, reason };
  return {
    status: 400,
    headers: PRODUCT,
    body: { error: { root_cause: [cause], type: 'search_phase_execution_exception', reason: 'all shards failed', phase: 'query', grouped: true, failed_shards: [], caused_by: cause }, status: 400 },
  };
}

class QueryError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Line/column of a key in the raw body, as Elasticsearch's parser reports positions. */
function position(raw: string, key: string): { line: number; col: number } {
  const index = raw.indexOf(`"${key}"`);
  if (index < 0) return { line: 1, col: 1 };
  const before = raw.slice(0, index);
  const line = before.split('\n').length;
  return { line, col: index - before.lastIndexOf('\n') + key.length + 2 };
}

// ---- field access and comparisons ------------------------------------------------------------

/** Every value at a dotted path (objects, literal dotted keys, arrays flattened); `.keyword` falls back to the field. */
export function fieldValues(source: unknown, path: string): unknown[] {
  const found = valuesAt(source, path.split('.'));
  if (found.length === 0 && path.endsWith('.keyword')) return valuesAt(source, path.slice(0, -'.keyword'.length).split('.'));
  return found;
}

function valuesAt(node: unknown, parts: string[]): unknown[] {
  if (Array.isArray(node)) return node.flatMap((item) => valuesAt(item, parts));
  if (parts.length === 0) return node === undefined || node === null ? [] : [node];
  if (node === null || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  const out: unknown[] = [];
  for (let i = 1; i <= parts.length; i++) {
    const key = parts.slice(0, i).join('.');
    if (key in record) out.push(...valuesAt(record[key], parts.slice(i)));
  }
  return out;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A range bound as a number: numbers, numeric strings, ISO dates, `now` with ±N units (rounding ignored). */
function comparable(value: unknown): number | string | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const math = /^now(?:([+-])(\d+)([smhdw]))?(?:\/[smhdwMy])?$/.exec(value);
  if (math) return Date.now() + (math[1] === undefined ? 0 : (math[1] === '-' ? -1 : 1) * Number(math[2]) * UNITS[math[3]!]!);
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return date;
  }
  return value;
}

function sameTerm(actual: unknown, wanted: unknown, caseInsensitive: boolean): boolean {
  if (typeof actual === 'number' || typeof wanted === 'number') return Number(actual) === Number(wanted);
  if (typeof actual === 'boolean' || typeof wanted === 'boolean') return String(actual) === String(wanted);
  if (typeof actual !== 'string' || typeof wanted !== 'string') return false;
  return caseInsensitive ? actual.toLowerCase() === wanted.toLowerCase() : actual === wanted;
}

function tokens(text: unknown): string[] {
  return String(text)
    .toLowerCase()
    .split(/[\s,;:!?()[\]{}"'/\\=&+<>|]+/)
    .filter((t) => t !== '');
}

// ---- the Query DSL subset --------------------------------------------------------------------

/** A compiled query: a predicate over a document's `_source`. */
type Predicate = (source: Source) => boolean;

function singleField(name: string, body: unknown): [string, unknown] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new QueryError('parsing_exception', `[${name}] query malformed, no start_object after query name`);
  const entries = Object.entries(body as Record<string, unknown>).filter(([k]) => k !== 'boost' && k !== '_name');
  if (entries.length !== 1) {
    if (entries.length === 0) throw new QueryError('parsing_exception', `[${name}] query doesn't support an empty field`);
    throw new QueryError('parsing_exception', `[${name}] query doesn't support multiple fields, found [${entries[0]![0]}] and [${entries[1]![0]}]`);
  }
  return entries[0]!;
}

function clauses(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** How many `should` clauses must match: 1 by default when the bool has no must/filter, else 0. */
function minimumShouldMatch(value: unknown, should: number, onlyShould: boolean): number {
  if (value === undefined) return onlyShould && should > 0 ? 1 : 0;
  const text = String(value);
  const percent = /^(-?\d+)%$/.exec(text);
  const n = percent ? Math.floor((should * Number(percent[1])) / 100) : Number(text);
  return n < 0 ? Math.max(0, should + n) : n;
}

/** Compiles a query object, throwing QueryError with Elasticsearch's wording for what it refuses. */
export function compile(query: unknown, raw = ''): Predicate {
  if (query === null || typeof query !== 'object' || Array.isArray(query)) throw new QueryError('parsing_exception', '[_na] query malformed, must start with start_object');
  const entries = Object.entries(query as Record<string, unknown>);
  if (entries.length === 0) return () => true;
  if (entries.length > 1) {
    throw new QueryError('parsing_exception', `[${entries[0]![0]}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]`, position(raw, entries[1]![0]));
  }
  const [name, body] = entries[0]!;
  switch (name) {
    case 'match_all':
      return () => true;
    case 'match_none':
      return () => false;
    case 'term': {
      const [field, spec] = singleField(name, body);
      const options = spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? (spec as { value?: unknown; case_insensitive?: unknown }) : { value: spec };
      if (options.value === undefined) throw new QueryError('parsing_exception', `[term] query does not support [${field}] without a value`);
      return (source) => fieldValues(source, field).some((v) => sameTerm(v, options.value, options.case_insensitive === true));
    }
    case 'terms': {
      const [field, values] = singleField(name, body);
      if (!Array.isArray(values)) throw new QueryError('parsing_exception', `[terms] query does not support [${field}] (the twin has no terms lookup)`);
      return (source) => fieldValues(source, field).some((v) => values.some((w) => sameTerm(v, w, false)));
    }
    case 'match': {
      const [field, spec] = singleField(name, body);
      const options = spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? (spec as { query?: unknown; operator?: unknown }) : { query: spec };
      if (options.query === undefined) throw new QueryError('parsing_exception', `[match] requires query value`);
      const wanted = tokens(options.query);
      const all = String(options.operator ?? 'or').toLowerCase() === 'and';
      return (source) =>
        fieldValues(source, field).some((v) => {
          const have = new Set(tokens(v));
          return all ? wanted.every((t) => have.has(t)) : wanted.some((t) => have.has(t));
        });
    }
    case 'range': {
      const [field, spec] = singleField(name, body);
      if (spec === null || typeof spec !== 'object') throw new QueryError('parsing_exception', `[range] query malformed, no start_object after query name`);
      const bounds = spec as Record<string, unknown>;
      const known = ['gt', 'gte', 'lt', 'lte', 'format', 'time_zone', 'boost', 'relation'];
      const unknownKey = Object.keys(bounds).find((k) => !known.includes(k));
      if (unknownKey !== undefined) throw new QueryError('parsing_exception', `[range] query does not support [${unknownKey}]`);
      const test = (v: unknown): boolean => {
        const x = comparable(v);
        if (x === undefined) return false;
        const check = (key: string, ok: (a: number | string, b: number | string) => boolean) => {
          const bound = comparable(bounds[key]);
          return bounds[key] === undefined || (bound !== undefined && typeof bound === typeof x && ok(x, bound));
        };
        return check('gt', (a, b) => a > b) && check('gte', (a, b) => a >= b) && check('lt', (a, b) => a < b) && check('lte', (a, b) => a <= b);
      };
      return (source) => fieldValues(source, field).some(test);
    }
    case 'exists': {
      const field = (body as { field?: unknown } | null)?.field;
      if (typeof field !== 'string') throw new QueryError('parsing_exception', '[exists] must be provided with a [field]');
      return (source) => fieldValues(source, field).length > 0;
    }
    case 'constant_score': {
      const filter = (body as { filter?: unknown } | null)?.filter;
      if (filter === undefined) throw new QueryError('parsing_exception', '[constant_score] requires a \'filter\' element');
      return compile(filter, raw);
    }
    case 'bool': {
      if (body === null || typeof body !== 'object') throw new QueryError('parsing_exception', '[bool] query malformed, no start_object after query name');
      const b = body as Record<string, unknown>;
      const allowed = ['must', 'filter', 'should', 'must_not', 'minimum_should_match', 'boost', '_name', 'adjust_pure_negative'];
      const unknownKey = Object.keys(b).find((k) => !allowed.includes(k));
      if (unknownKey !== undefined) throw new QueryError('parsing_exception', `[bool] query does not support [${unknownKey}]`, position(raw, unknownKey));
      const must = clauses(b['must']).map((q) => compile(q, raw));
      const filter = clauses(b['filter']).map((q) => compile(q, raw));
      const should = clauses(b['should']).map((q) => compile(q, raw));
      const mustNot = clauses(b['must_not']).map((q) => compile(q, raw));
      const needed = minimumShouldMatch(b['minimum_should_match'], should.length, must.length === 0 && filter.length === 0);
      return (source) =>
        must.every((p) => p(source)) &&
        filter.every((p) => p(source)) &&
        !mustNot.some((p) => p(source)) &&
        should.filter((p) => p(source)).length >= needed;
    }
    default:
      if (REAL_QUERIES.has(name)) throw new QueryError('parsing_exception', `[${name}] query is not supported by the Switchboard lab twin`, position(raw, name));
      throw new QueryError('parsing_exception', `unknown query [${name}]`, {
        ...position(raw, name),
        caused_by: { type: 'named_object_not_found_exception', reason: `[${position(raw, name).line}:${position(raw, name).col}] unknown field [${name}]` },
      });
  }
}

// ---- sorting, paging, source filtering -------------------------------------------------------

interface SortKey {
  field: string;
  order: 1 | -1;
}

function parseSort(sort: unknown): SortKey[] {
  return clauses(sort).map((clause) => {
    if (typeof clause === 'string') return { field: clause, order: clause === '_score' ? -1 : 1 };
    if (clause === null || typeof clause !== 'object') throw new QueryError('parsing_exception', 'malformed sort format, within the sort array, an object, or an actual string are allowed');
    const [field, spec] = Object.entries(clause as Record<string, unknown>)[0] ?? [];
    if (field === undefined) throw new QueryError('parsing_exception', 'malformed sort format, an empty object is not allowed');
    const order = typeof spec === 'string' ? spec : (spec as { order?: unknown } | null)?.order;
    if (order !== undefined && order !== 'asc' && order !== 'desc') throw new QueryError('parsing_exception', `[sort] unknown order [${String(order)}]`);
    return { field, order: order === 'desc' || (order === undefined && field === '_score') ? -1 : 1 };
  });
}

/** A hit's sort value: dates as epoch millis (what Elasticsearch returns for date fields), else the value. */
function sortValue(doc: Doc, position: number, key: SortKey): unknown {
  if (key.field === '_score') return 1;
  if (key.field === '_doc') return position;
  const values = fieldValues(doc._source, key.field);
  if (values.length === 0) return null;
  const pick = [...values].sort((a, b) => compareValues(a, b))[key.order === 1 ? 0 : values.length - 1];
  if (typeof pick === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(pick) && !Number.isNaN(Date.parse(pick))) return Date.parse(pick);
  return pick;
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

/** Orders sort tuples; missing values (null) sort last whatever the order, as `missing: _last`. */
function compareTuples(a: unknown[], b: unknown[], keys: SortKey[]): number {
  for (const [i, key] of keys.entries()) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === null || y === null) {
      if (x !== y) return x === null ? 1 : -1;
      continue;
    }
    const order = compareValues(x, y) * key.order;
    if (order !== 0) return order;
  }
  return 0;
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function flatten(source: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (source !== null && typeof source === 'object' && !Array.isArray(source)) {
    for (const [key, value] of Object.entries(source as Record<string, unknown>)) flatten(value, prefix === '' ? key : `${prefix}.${key}`, out);
  } else {
    out[prefix] = source;
  }
  return out;
}

function unflatten(flat: Record<string, unknown>): Source {
  const out: Source = {};
  for (const [path, value] of Object.entries(flat)) {
    const parts = path.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Source;
    node[parts.at(-1)!] = value;
  }
  return out;
}

/** `_source` filtering: false drops it; patterns (with `*`) keep a field and everything under it. */
function filterSource(source: Source, spec: unknown): Source | undefined {
  if (spec === undefined || spec === true) return source;
  if (spec === false) return undefined;
  const { includes, excludes } =
    typeof spec === 'string' || Array.isArray(spec)
      ? { includes: clauses(spec).map(String), excludes: [] as string[] }
      : { includes: clauses((spec as { includes?: unknown }).includes).map(String), excludes: clauses((spec as { excludes?: unknown }).excludes).map(String) };
  const under = (path: string, pattern: string) => {
    const re = globToRegExp(pattern);
    return path.split('.').some((_, i, parts) => re.test(parts.slice(0, i + 1).join('.')));
  };
  const kept = Object.entries(flatten(source)).filter(
    ([path]) => (includes.length === 0 || includes.some((p) => under(path, p))) && !excludes.some((p) => under(path, p)),
  );
  return unflatten(Object.fromEntries(kept));
}

// ---- handlers -------------------------------------------------------------------------------

/** Resolves an index expression; a missing concrete index is Elasticsearch's 404. */
function resolveIndices(expression: string, state: ElasticTwinState): string[] | TwinResponse {
  const names = Object.keys(state.indices);
  const found = new Set<string>();
  for (const part of expression.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    if (part === '_all' || part === '*') names.filter((n) => !n.startsWith('.')).forEach((n) => found.add(n));
    else if (part.includes('*')) names.filter((n) => globToRegExp(part).test(n) && (part.startsWith('.') || !n.startsWith('.'))).forEach((n) => found.add(n));
    else if (state.indices[part] !== undefined) found.add(part);
    else return failure(404, 'index_not_found_exception', `no such index [${part}]`, { 'resource.type': 'index_or_alias', 'resource.id': part, index_uuid: '_na_', index: part });
  }
  return [...found].sort();
}

function bodyOf(req: TwinRequest): Record<string, unknown> | TwinResponse {
  if (req.body === undefined || req.body === '') return {};
  if (typeof req.body === 'string') return failure(400, 'x_content_parse_exception', '[1:1] Unexpected character: the request body is not valid JSON');
  if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) return failure(400, 'parsing_exception', 'Unknown key for a VALUE_STRING in [_na].');
  return req.body as Record<string, unknown>;
}

function isResponse(value: unknown): value is TwinResponse {
  return value !== null && typeof value === 'object' && 'status' in value && 'body' in value;
}

function numberParam(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  return Number.isInteger(n) ? n : NaN;
}

function searchHandler(req: TwinRequest, state: ElasticTwinState): TwinResponse {
  const indices = resolveIndices(req.params['index'] ?? '_all', state);
  if (isResponse(indices)) return indices;
  const body = bodyOf(req);
  if (isResponse(body)) return body;
  for (const key of Object.keys(body)) {
    const value = body[key];
    const kind = value !== null && typeof value === 'object' ? (Array.isArray(value) ? 'START_ARRAY' : 'START_OBJECT') : typeof value === 'string' ? 'VALUE_STRING' : 'VALUE_NUMBER';
    if (!SEARCH_KEYS.has(key)) return failure(400, 'parsing_exception', `Unknown key for a ${kind} in [${key}].`, position(req.rawBody, key));
    if (!TWIN_SEARCH_KEYS.has(key)) return failure(400, 'parsing_exception', `[${key}] is not supported by the Switchboard lab twin`, position(req.rawBody, key));
  }
  const size = numberParam(body['size'] ?? req.query.get('size') ?? undefined, 10);
  const from = numberParam(body['from'] ?? req.query.get('from') ?? undefined, 0);
  if (Number.isNaN(size) || size < 0) return failure(400, 'illegal_argument_exception', `[size] parameter cannot be negative, found [${String(body['size'])}]`);
  if (Number.isNaN(from) || from < 0) return failure(400, 'illegal_argument_exception', `[from] parameter cannot be negative but was [${String(body['from'])}]`);
  const after = body['search_after'];
  if (after !== undefined && from > 0) {
    return failure(400, 'action_request_validation_exception', 'Validation Failed: 1: `from` parameter must be set to 0 when `search_after` is used.;');
  }
  if (from + size > MAX_RESULT_WINDOW) {
    return shardFailure(
      'illegal_argument_exception',
      `Result window is too large, from + size must be less than or equal to: [${MAX_RESULT_WINDOW}] but was [${from + size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.`,
    );
  }
  let predicate: Predicate;
  let keys: SortKey[];
  try {
    predicate = compile(body['query'] ?? { match_all: {} }, req.rawBody);
    keys = body['sort'] === undefined ? [] : parseSort(body['sort']);
  } catch (error) {
    if (error instanceof QueryError) return failure(400, error.type, error.message, error.extra);
    throw error;
  }
  if (after !== undefined) {
    if (!Array.isArray(after)) return failure(400, 'parsing_exception', '[search_after] must be an array');
    if (keys.length === 0) return shardFailure('illegal_argument_exception', 'Sort must contain at least one field.');
    if (after.length !== keys.length) return shardFailure('illegal_argument_exception', `search_after has ${after.length} value(s) but sort has ${keys.length}.`);
  }
  const matched = indices.flatMap((index) => state.indices[index]!.map((doc, i) => ({ index, doc, position: i }))).filter((m) => predicate(m.doc._source));
  const withSort = matched.map((m) => ({ ...m, sort: keys.map((k) => sortValue(m.doc, m.position, k)) }));
  if (keys.length > 0) withSort.sort((a, b) => compareTuples(a.sort, b.sort, keys));
  const total = withSort.length;
  const page = (after === undefined ? withSort : withSort.filter((m) => compareTuples(m.sort, after as unknown[], keys) > 0)).slice(from, from + size);
  const track = body['track_total_hits'] ?? TRACK_TOTAL_DEFAULT;
  const limitTotal = track === true ? Infinity : track === false ? undefined : Number(track);
  const hitsTotal = limitTotal === undefined ? undefined : total > limitTotal ? { value: limitTotal, relation: 'gte' } : { value: total, relation: 'eq' };
  const sorted = keys.length > 0 && !keys.some((k) => k.field === '_score');
  const hits = page.map((m) => {
    const source = filterSource(m.doc._source, body['_source']);
    return {
      _index: m.index,
      _id: m.doc._id,
      _score: sorted ? null : 1,
      ...(source === undefined ? {} : { _source: source }),
      ...(keys.length > 0 ? { sort: m.sort } : {}),
    };
  });
  return {
    headers: PRODUCT,
    body: {
      took: 1 + hits.length,
      timed_out: false,
      _shards: { total: indices.length, successful: indices.length, skipped: 0, failed: 0 },
      hits: { ...(hitsTotal === undefined ? {} : { total: hitsTotal }), max_score: sorted || hits.length === 0 ? null : 1, hits },
    },
  };
}

function countHandler(req: TwinRequest, state: ElasticTwinState): TwinResponse {
  const indices = resolveIndices(req.params['index'] ?? '_all', state);
  if (isResponse(indices)) return indices;
  const body = bodyOf(req);
  if (isResponse(body)) return body;
  const extra = Object.keys(body).find((k) => k !== 'query');
  if (extra !== undefined) return failure(400, 'parsing_exception', `request does not support [${extra}]`, position(req.rawBody, extra));
  let predicate: Predicate;
  try {
    predicate = compile(body['query'] ?? { match_all: {} }, req.rawBody);
  } catch (error) {
    if (error instanceof QueryError) return failure(400, error.type, error.message, error.extra);
    throw error;
  }
  const count = indices.reduce((sum, index) => sum + state.indices[index]!.filter((doc) => predicate(doc._source)).length, 0);
  return { headers: PRODUCT, body: { count, _shards: { total: indices.length, successful: indices.length, skipped: 0, failed: 0 } } };
}

function apiKeyOf(req: TwinRequest): { id: string; key: string } | undefined {
  const match = /^ApiKey\s+(\S+)$/i.exec(req.headers['authorization'] ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { id: decoded.slice(0, colon), key: decoded.slice(colon + 1) };
}

/** The Elasticsearch twin's definition for `startTwin` and the lab. */
export const elasticTwin: TwinDefinition<ElasticTwinState> = {
  id: 'elastic',
  name: 'Elasticsearch',
  initialState,
  authenticate: (req, state) => {
    const credential = apiKeyOf(req);
    if (credential !== undefined && state.apiKeys[credential.id] === credential.key) return undefined;
    const refusal = failure(401, 'security_exception', 'unable to authenticate with provided credentials and anonymous access is not allowed for this request', {
      header: { 'WWW-Authenticate': ['Basic realm="security" charset="UTF-8"', 'Bearer realm="security"', 'ApiKey'] },
    });
    return { ...refusal, headers: { ...PRODUCT, 'WWW-Authenticate': 'ApiKey' } };
  },
  rateLimited: () =>
    failure(
      429,
      'es_rejected_execution_exception',
      'rejected execution of org.elasticsearch.common.util.concurrent.TimedRunnable@6b9a5e2 on QueueResizingEsThreadPoolExecutor[name = lab-node-1/search, queue capacity = 1000, task execution EWMA = 2.1ms]',
    ),
  notFound: (req) => ({ status: 400, headers: PRODUCT, body: { error: `no handler found for uri [${req.path}] and method [${req.method}]` } }),
  emit: emitAlerts,
  routes: [
    {
      method: 'GET',
      path: '/',
      handler: () => ({
        headers: PRODUCT,
        body: { name: 'lab-node-1', cluster_name: 'switchboard-lab', cluster_uuid: 'c2J4LWxhYi1jbHVzdGVy', version: { number: '8.15.0', build_flavor: 'default', lucene_version: '9.11.1' }, tagline: 'You Know, for Search' },
      }),
    },
    { method: 'POST', path: '/_search', handler: searchHandler },
    { method: 'GET', path: '/_search', handler: searchHandler },
    { method: 'POST', path: '/_count', handler: countHandler },
    { method: 'GET', path: '/_count', handler: countHandler },
    { method: 'POST', path: '/:index/_search', handler: searchHandler },
    { method: 'GET', path: '/:index/_search', handler: searchHandler },
    { method: 'POST', path: '/:index/_count', handler: countHandler },
    { method: 'GET', path: '/:index/_count', handler: countHandler },
  ],
};
