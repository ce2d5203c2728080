import { randomBytes, randomUUID } from 'node:crypto';
import { scenario } from '../scenario.ts';
import type { TwinDefinition, TwinRequest, TwinResponse } from '../twin.ts';

/**
 * Twin of the CrowdStrike Falcon OAuth2 API: client-credentials tokens (201), hosts (query ids with
 * an FQL subset and offset pagination, entities, devices-actions contain/lift with 202 and the
 * pending statuses), the Alerts API (query + entities by composite id), the `{meta, resources,
 * errors}` envelope, 401 'access denied, invalid bearer token', and the documented 429 with
 * X-RateLimit-Limit/Remaining and X-RateLimit-RetryAfter as a UTC epoch timestamp.
 */

/** The API client the twin knows (what `switchboard lab` binds). */
export const crowdstrikeLabCredentials = { client_id: 'lab-falcon-client-id', client_secret: 'lab-falcon-client-secret' };

const CID = '1a2b3c4d5e6f708192a3b4c5d6e7f809';
const TOKEN_LIFETIME_S = 1799;
const RATE_LIMIT = 6000;
const DEVICE_QUERY_MAX = 5000;
const ALERT_QUERY_MAX = 10_000;
const ACTIONS = new Set(['contain', 'lift_containment']);

interface Device {
  device_id: string;
  hostname: string;
  local_ip: string;
  external_ip: string;
  platform_name: string;
  status: string;
  [field: string]: unknown;
}

interface Alert {
  composite_id: string;
  device: { device_id: string; hostname: string; [field: string]: unknown };
  [field: string]: unknown;
}

export interface CrowdstrikeTwinState {
  cid: string;
  /** client_id → client_secret. */
  clients: Record<string, string>;
  /** Issued bearer tokens → expiry (epoch ms). */
  tokens: Record<string, number>;
  requestCount: number;
  devices: Device[];
  alerts: Alert[];
  /** Every accepted devices-action, in order. */
  actions: Array<{ action_name: string; ids: string[] }>;
}

const DEVICE_FQL = new Set(['device_id', 'hostname', 'local_ip', 'external_ip', 'platform_name', 'status', 'os_version']);
const ALERT_FQL = new Set(['device.device_id', 'device.hostname', 'status', 'severity', 'severity_name', 'product', 'type', 'tactic', 'technique', 'filename', 'sha256']);

function initialState(): CrowdstrikeTwinState {
  const host = scenario.host;
  const build = scenario.vulnerability.minor.asset;
  const alice: Device = {
    device_id: host.deviceId,
    cid: CID,
    agent_version: '7.18.18106.0',
    hostname: host.hostname,
    local_ip: host.localIp,
    external_ip: '198.51.100.7',
    mac_address: '00-15-5d-2a-41-0c',
    platform_name: 'Windows',
    os_version: host.os,
    os_build: '22631',
    product_type_desc: 'Workstation',
    machine_domain: scenario.org.domain,
    system_manufacturer: 'Dell Inc.',
    system_product_name: 'Latitude 7440',
    first_seen: '2025-03-04T09:12:55Z',
    last_seen: '2026-11-27T08:13:40Z',
    status: 'normal',
    tags: [],
  };
  const buildHost: Device = {
    device_id: '7b1e5d3c9a2f4e6b8d0c1a3e5f7b9d2c',
    cid: CID,
    agent_version: '7.18.18104.0',
    hostname: build.hostname,
    local_ip: build.ip,
    external_ip: '198.51.100.7',
    mac_address: '00-15-5d-2a-40-07',
    platform_name: 'Linux',
    os_version: 'Ubuntu 22.04',
    product_type_desc: 'Server',
    machine_domain: scenario.org.domain,
    first_seen: '2024-06-18T14:02:11Z',
    last_seen: '2026-11-27T08:10:02Z',
    status: 'normal',
    tags: ['SensorGroupingTags/build'],
  };
  const detection = host.detection;
  const attachment = scenario.phishing.attachment;
  const malware: Alert = {
    composite_id: `${CID}:${detection.id}`,
    id: detection.id,
    aggregate_id: `aggind:${host.deviceId}:81604651`,
    cid: CID,
    agent_id: host.deviceId,
    product: 'epp',
    type: 'ldt',
    device: { device_id: host.deviceId, hostname: host.hostname, local_ip: host.localIp, external_ip: '198.51.100.7', platform_name: 'Windows' },
    severity: 90,
    severity_name: detection.severity,
    confidence: 100,
    status: 'new',
    name: 'MaliciousFile',
    display_name: 'Malicious file executed',
    description: 'A file written to disk and executed by the user was identified as malware.',
    tactic: detection.tactic,
    tactic_id: 'TA0002',
    technique: detection.technique,
    technique_id: 'T1204.002',
    filename: detection.fileName,
    filepath: `\\Device\\HarddiskVolume3\\Users\\${host.user}\\Downloads\\${detection.fileName}`,
    cmdline: `"C:\\Users\\${host.user}\\Downloads\\${detection.fileName}"`,
    sha256: attachment.sha256,
    md5: attachment.md5,
    user_name: host.user,
    created_timestamp: '2026-11-27T08:02:41Z',
    timestamp: '2026-11-27T08:02:39Z',
  };
  return {
    cid: CID,
    clients: { [crowdstrikeLabCredentials.client_id]: crowdstrikeLabCredentials.client_secret },
    tokens: {},
    requestCount: 0,
    devices: [alice, buildHost],
    alerts: [malware],
    actions: [],
  };
}

function meta(extra: Record<string, unknown> = {}, poweredBy = 'crowdstrike-api-gateway'): Record<string, unknown> {
  return { query_time: 0.004213, powered_by: poweredBy, trace_id: randomUUID(), ...extra };
}

/** A Falcon answer: the envelope plus the rate-limit headers every response carries. */
function reply(state: CrowdstrikeTwinState, status: number, body: Record<string, unknown>): TwinResponse {
  state.requestCount += 1;
  const traceId = (body['meta'] as { trace_id?: string } | undefined)?.trace_id ?? randomUUID();
  return {
    status,
    body,
    headers: {
      'X-Cs-Traceid': traceId,
      'X-Ratelimit-Limit': String(RATE_LIMIT),
      'X-Ratelimit-Remaining': String(Math.max(0, RATE_LIMIT - state.requestCount)),
    },
  };
}

function failure(state: CrowdstrikeTwinState, status: number, message: string, poweredBy?: string): TwinResponse {
  return reply(state, status, { meta: meta({}, poweredBy), resources: [], errors: [{ code: status, message }] });
}

function bearerOf(req: TwinRequest): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers['authorization'] ?? '');
  return match?.[1];
}

/** Query ids, repeated (`ids=a&ids=b`) or comma-joined. */
function idsOf(req: TwinRequest): string[] {
  return req.query.getAll('ids').flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

function bodyIds(body: unknown, key: string): string[] | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const list = (body as Record<string, unknown>)[key];
  return Array.isArray(list) && list.every((v) => typeof v === 'string') ? (list as string[]) : undefined;
}

function fieldOf(record: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), record);
}

type Term = { field: string; negate: boolean; op: string; value: string };

/** The FQL subset the twin understands: `field:'value'` terms (wildcard `*`, `!`, `>=`…) joined by `+`. */
export function parseFql(filter: string, fields: ReadonlySet<string>): Term[] | string {
  const terms: Term[] = [];
  for (const raw of filter.split('+').map((t) => t.trim()).filter((t) => t !== '')) {
    const match = /^([a-z_.]+):(!)?(>=|<=|>|<)?(?:'([^']*)'|([^'\s]+))$/.exec(raw);
    if (!match) return `Invalid filter: cannot parse ${raw}`;
    const field = match[1]!;
    if (!fields.has(field)) return `Invalid filter: unknown property ${field}`;
    terms.push({ field, negate: match[2] === '!', op: match[3] ?? '', value: match[4] ?? match[5] ?? '' });
  }
  return terms;
}

function termMatches(record: Record<string, unknown>, term: Term): boolean {
  const actual = fieldOf(record, term.field);
  let hit: boolean;
  if (term.op !== '') {
    const a = Number(actual);
    const b = Number(term.value);
    hit = term.op === '>=' ? a >= b : term.op === '<=' ? a <= b : term.op === '>' ? a > b : a < b;
  } else {
    const pattern = new RegExp(`^${term.value.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
    hit = pattern.test(String(actual ?? ''));
  }
  return term.negate ? !hit : hit;
}

function sortBy<T extends Record<string, unknown>>(records: T[], sort: string | null): T[] {
  if (!sort) return records;
  const match = /^(.+?)[.|](asc|desc)$/.exec(sort) ?? [sort, sort, 'asc'];
  const [, field = sort, direction] = match;
  const sign = direction === 'desc' ? -1 : 1;
  return [...records].sort((a, b) => sign * String(fieldOf(a, field) ?? '').localeCompare(String(fieldOf(b, field) ?? '')));
}

/** Offset pagination of a `/queries/` endpoint, with `meta.pagination {offset, limit, total}`. */
function queryPage(
  state: CrowdstrikeTwinState,
  req: TwinRequest,
  records: Array<Record<string, unknown>>,
  idField: string,
  fields: ReadonlySet<string>,
  maxLimit: number,
  poweredBy: string,
): TwinResponse {
  const limit = Number(req.query.get('limit') ?? 100);
  const offset = Number(req.query.get('offset') ?? 0);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) return failure(state, 400, `limit must be between 1 and ${maxLimit}`, poweredBy);
  if (!Number.isInteger(offset) || offset < 0) return failure(state, 400, 'offset must be a non-negative integer', poweredBy);
  const terms = parseFql(req.query.get('filter') ?? '', fields);
  if (typeof terms === 'string') return failure(state, 400, terms, poweredBy);
  const matched = sortBy(records.filter((r) => terms.every((t) => termMatches(r, t))), req.query.get('sort'));
  const page = matched.slice(offset, offset + limit).map((r) => String(r[idField]));
  return reply(state, 200, { meta: meta({ pagination: { offset, limit, total: matched.length } }, poweredBy), resources: page, errors: [] });
}

/** The sensor acknowledges a pending action once the host has been looked at. */
function settle(device: Device): void {
  if (device.status === 'containment_pending') device.status = 'contained';
  else if (device.status === 'lift_containment_pending') device.status = 'normal';
}

function deviceEntities(state: CrowdstrikeTwinState, ids: string[]): TwinResponse {
  if (ids.length === 0) return failure(state, 400, 'ids is required', 'device-api');
  const found = state.devices.filter((d) => ids.includes(d.device_id));
  const body = { meta: meta({}, 'device-api'), resources: found.map((d) => ({ ...d })), errors: [] };
  found.forEach(settle);
  return reply(state, 200, body);
}

function performAction(req: TwinRequest, state: CrowdstrikeTwinState): TwinResponse {
  const action = req.query.get('action_name') ?? '';
  if (!ACTIONS.has(action)) return failure(state, 400, `action_name ${action || '(missing)'} is not supported`, 'device-api');
  const ids = bodyIds(req.body, 'ids');
  if (ids === undefined || ids.length === 0) return failure(state, 400, 'body must be {"ids": [...]}', 'device-api');
  const unknown = ids.filter((id) => !state.devices.some((d) => d.device_id === id));
  if (unknown.length > 0) return failure(state, 400, `Device(s) not found: ${unknown.join(', ')}`, 'device-api');
  for (const device of state.devices.filter((d) => ids.includes(d.device_id))) {
    if (action === 'contain' && device.status !== 'contained') device.status = 'containment_pending';
    if (action === 'lift_containment' && device.status !== 'normal') device.status = 'lift_containment_pending';
  }
  state.actions.push({ action_name: action, ids });
  return reply(state, 202, { meta: meta({}, 'device-api'), resources: ids.map((id) => ({ id, path: '' })), errors: [] });
}

function issueToken(req: TwinRequest, state: CrowdstrikeTwinState): TwinResponse {
  const form = (req.body ?? {}) as Record<string, unknown>;
  const clientId = typeof form['client_id'] === 'string' ? form['client_id'] : '';
  const clientSecret = typeof form['client_secret'] === 'string' ? form['client_secret'] : '';
  // Source for the token answers (400/403, powered_by csam): transcripts in CrowdStrike/ansible_collection_falcon#173 and
  // elastic/kibana#235139; gofalcon falcon/cloud.go Autodiscover reads the 403 as a client-authentication failure.
  if (clientId === '' || clientSecret === '') return failure(state, 400, `Failed to generate access token for clientID=${clientId}.`, 'csam');
  const known = state.clients[clientId];
  if (known === undefined) {
    return failure(
      state,
      403,
      'Failed to issue access token - Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method)',
      'csam',
    );
  }
  if (known !== clientSecret) return failure(state, 403, 'Failed to issue access token - Not Authorized', 'csam');
  const token = randomBytes(24).toString('base64url');
  state.tokens[token] = Date.now() + TOKEN_LIFETIME_S * 1000;
  return reply(state, 201, { access_token: token, token_type: 'bearer', expires_in: TOKEN_LIFETIME_S });
}

export const crowdstrikeTwin: TwinDefinition<CrowdstrikeTwinState> = {
  id: 'crowdstrike',
  name: 'CrowdStrike Falcon',
  initialState,
  publicPaths: ['/oauth2/token'],
  authenticate: (req, state) => {
    const token = bearerOf(req);
    const expiresAt = token === undefined ? undefined : state.tokens[token];
    if (expiresAt !== undefined && expiresAt > Date.now()) return undefined;
    // Source: the full 401 response quoted in CrowdStrike/falconpy#130 (powered_by crowdstrike-api-gateway).
    return failure(state, 401, 'access denied, invalid bearer token');
  },
  /**
   * Source for the epoch in SECONDS: CrowdStrike's own clients read it so (PSFalcon class/Class.ps1
   * FromUnixTimeSeconds, falcon-installer pkg/falcon/api_limit_handler.go, gofalcon
   * falcon/api_client.go parseRetryAfter and its tests); gofalcon's generated responses
   * (falcon/client/*_responses.go, from the API spec) describe it as "milliseconds since epoch",
   * which FromUnixTimeSeconds would refuse, so the twin follows the clients. Body: gofalcon
   * models.MsaReplyMetaOnly {meta, errors}; the message text is not in the vendor's published material.
   */
  rateLimited: (retryAfterSeconds) => ({
    status: 429,
    headers: {
      'X-Ratelimit-Limit': String(RATE_LIMIT),
      'X-Ratelimit-Remaining': '0',
      'X-Ratelimit-Retryafter': String(Math.ceil(Date.now() / 1000) + retryAfterSeconds),
    },
    body: { meta: meta(), errors: [{ code: 429, message: 'API rate limit exceeded.' }] },
  }),
  notFound: () => ({ status: 404, body: { meta: meta(), errors: [{ code: 404, message: 'Not Found' }] } }),
  routes: [
    { method: 'POST', path: '/oauth2/token', handler: issueToken },
    {
      method: 'GET',
      path: '/devices/queries/devices/v1',
      handler: (req, state) => queryPage(state, req, state.devices, 'device_id', DEVICE_FQL, DEVICE_QUERY_MAX, 'device-api'),
    },
    { method: 'GET', path: '/devices/entities/devices/v2', handler: (req, state) => deviceEntities(state, idsOf(req)) },
    { method: 'POST', path: '/devices/entities/devices/v2', handler: (req, state) => deviceEntities(state, bodyIds(req.body, 'ids') ?? []) },
    { method: 'POST', path: '/devices/entities/devices-actions/v2', handler: performAction },
    {
      method: 'GET',
      path: '/alerts/queries/alerts/v2',
      handler: (req, state) => queryPage(state, req, state.alerts, 'composite_id', ALERT_FQL, ALERT_QUERY_MAX, 'detectsapi'),
    },
    {
      method: 'POST',
      path: '/alerts/entities/alerts/v2',
      handler: (req, state) => {
        const ids = bodyIds(req.body, 'composite_ids');
        if (ids === undefined || ids.length === 0) return failure(state, 400, 'body must be {"composite_ids": [...]}', 'detectsapi');
        const found = state.alerts.filter((a) => ids.includes(a.composite_id));
        return reply(state, 200, { meta: meta({}, 'detectsapi'), resources: found, errors: [] });
      },
    },
  ],
};
