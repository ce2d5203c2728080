import { isIP } from 'node:net';
import { scenario } from '../scenario.ts';
import type { TwinDefinition, TwinRequest, TwinResponse } from '../twin.ts';

/**
 * MISP twin (MISP's openapi.yaml and its controllers): `POST /attributes/restSearch` with JSON filters,
 * `page`/`limit` paging and `X-Result-Count`; `POST /attributes/add/{eventId}` with MISP's save-failure
 * answer (403, `errors` per field); auth by the raw key in `Authorization`, refused with 403; errors as
 * `{ name, message, url }`; the restSearch rate limit answers 429 with `X-Rate-Limit-*` headers.
 */

interface MispEvent {
  id: string;
  uuid: string;
  info: string;
  date: string;
  orgc_id: string;
  org_id: string;
  distribution: string;
  threat_level_id: string;
  analysis: string;
  published: boolean;
}

interface MispTag {
  id: string;
  name: string;
  colour: string;
  numerical_value: null;
  is_galaxy: boolean;
  local: number;
}

interface MispAttribute {
  id: string;
  event_id: string;
  object_id: string;
  object_relation: null;
  category: string;
  type: string;
  to_ids: boolean;
  uuid: string;
  timestamp: string;
  distribution: string;
  sharing_group_id: string;
  comment: string;
  deleted: boolean;
  disable_correlation: boolean;
  first_seen: null;
  last_seen: null;
  value: string;
  Tag: MispTag[];
}

export interface MispState {
  events: Record<string, MispEvent>;
  attributes: MispAttribute[];
  nextAttributeId: number;
}

/** The auth key the twin accepts. */
export const mispLabCredentials = { apiKey: 'lab-misp-authkey-0123456789abcdef0123456789abcd' };

/** The scenario's events, by id: the phishing campaign, the Tor exits behind the login, the KEV CVE. */
export const MISP_EVENTS = { phishing: '1', tor: '2', cve: '3' } as const;

const TLP_AMBER: MispTag = { id: '3', name: 'tlp:amber', colour: '#FFC000', numerical_value: null, is_galaxy: false, local: 0 };
const TLP_CLEAR: MispTag = { id: '1', name: 'tlp:clear', colour: '#FFFFFF', numerical_value: null, is_galaxy: false, local: 0 };

/** Each type's default category and IDS flag (MISP's Attribute::$typeDefinitions, the types the lab uses). */
const TYPES: Record<string, { category: string; to_ids: boolean; format?: RegExp | ((v: string) => boolean) }> = {
  'ip-src': { category: 'Network activity', to_ids: true, format: (v) => isIP(v) !== 0 },
  'ip-dst': { category: 'Network activity', to_ids: true, format: (v) => isIP(v) !== 0 },
  domain: { category: 'Network activity', to_ids: true, format: /^([a-z0-9-]+\.)+[a-z0-9-]+$/i },
  hostname: { category: 'Network activity', to_ids: true, format: /^([a-z0-9-]+\.)+[a-z0-9-]+$/i },
  url: { category: 'Network activity', to_ids: true },
  md5: { category: 'Payload delivery', to_ids: true, format: /^[0-9a-f]{32}$/i },
  sha1: { category: 'Payload delivery', to_ids: true, format: /^[0-9a-f]{40}$/i },
  sha256: { category: 'Payload delivery', to_ids: true, format: /^[0-9a-f]{64}$/i },
  filename: { category: 'Payload delivery', to_ids: false },
  'email-src': { category: 'Payload delivery', to_ids: true, format: /^[^@\s]+@[^@\s]+$/ },
  'email-subject': { category: 'Payload delivery', to_ids: false },
  vulnerability: { category: 'External analysis', to_ids: false, format: /^CVE-\d{4}-\d{4,}$/i },
  text: { category: 'Other', to_ids: false },
  comment: { category: 'Other', to_ids: false },
};

const CATEGORIES = new Set(['Internal reference', 'Targeting data', 'Antivirus detection', 'Payload delivery', 'Artifacts dropped', 'Payload installation', 'Persistence mechanism', 'Network activity', 'Payload type', 'Attribution', 'External analysis', 'Financial fraud', 'Support Tool', 'Social network', 'Person', 'Other']);

const RATE_LIMIT = 60;
const epoch = (iso: string): string => String(Math.floor(Date.parse(iso) / 1000));

/** Deterministic UUIDs for the lab's attributes: `5b1f0000-0000-4000-8000-<id>`. */
function attributeUuid(id: number): string {
  return `5b1f0000-0000-4000-8000-${String(id).padStart(12, '0')}`;
}

function attribute(id: number, eventId: string, type: string, value: string, at: string, extra: { comment?: string; tags?: MispTag[]; to_ids?: boolean } = {}): MispAttribute {
  const definition = TYPES[type];
  return {
    id: String(id),
    event_id: eventId,
    object_id: '0',
    object_relation: null,
    category: definition?.category ?? 'Other',
    type,
    to_ids: extra.to_ids ?? definition?.to_ids ?? false,
    uuid: attributeUuid(id),
    timestamp: at,
    distribution: '5',
    sharing_group_id: '0',
    comment: extra.comment ?? '',
    deleted: false,
    disable_correlation: false,
    first_seen: null,
    last_seen: null,
    value,
    Tag: extra.tags ?? [],
  };
}

function initialState(): MispState {
  const { phishing, login, vulnerability } = scenario;
  const received = epoch(phishing.receivedAt);
  const tor = epoch('2026-11-20T10:00:00Z');
  const amber = { tags: [TLP_AMBER] };
  const attributes = [
    attribute(1, MISP_EVENTS.phishing, 'url', phishing.maliciousUrl, received, { ...amber, comment: 'Credential-harvesting page' }),
    attribute(2, MISP_EVENTS.phishing, 'domain', new URL(phishing.maliciousUrl).hostname, received, amber),
    attribute(3, MISP_EVENTS.phishing, 'email-src', phishing.sender, received, amber),
    attribute(4, MISP_EVENTS.phishing, 'email-subject', phishing.subject, received, amber),
    attribute(5, MISP_EVENTS.phishing, 'filename', phishing.attachment.name, received, amber),
    attribute(6, MISP_EVENTS.phishing, 'md5', phishing.attachment.md5, received, amber),
    attribute(7, MISP_EVENTS.phishing, 'sha1', phishing.attachment.sha1, received, amber),
    attribute(8, MISP_EVENTS.phishing, 'sha256', phishing.attachment.sha256, received, amber),
    attribute(9, MISP_EVENTS.phishing, 'ip-dst', login.maliciousIp, received, { ...amber, comment: 'A record of the phishing domain' }),
    attribute(10, MISP_EVENTS.tor, 'ip-src', login.maliciousIp, tor, { ...amber, comment: 'Tor exit relay' }),
    attribute(11, MISP_EVENTS.cve, 'vulnerability', vulnerability.cve, tor, { tags: [TLP_CLEAR], comment: 'Exploited in the wild (CISA KEV)' }),
  ];
  const event = (id: string, info: string, date: string, threat: string): MispEvent => ({
    id,
    uuid: `7e4a0000-0000-4000-8000-${id.padStart(12, '0')}`,
    info,
    date,
    orgc_id: '1',
    org_id: '1',
    distribution: '1',
    threat_level_id: threat,
    analysis: '2',
    published: true,
  });
  return {
    events: {
      [MISP_EVENTS.phishing]: event(MISP_EVENTS.phishing, `Phishing: look-alike ${new URL(phishing.maliciousUrl).hostname} delivering ${phishing.attachment.name}`, phishing.receivedAt.slice(0, 10), '1'),
      [MISP_EVENTS.tor]: event(MISP_EVENTS.tor, 'Tor exit relays used for credential stuffing against SSO portals', '2026-11-20', '2'),
      [MISP_EVENTS.cve]: event(MISP_EVENTS.cve, `${vulnerability.cve} exploitation (PAN-OS GlobalProtect)`, '2024-04-12', '1'),
    },
    attributes,
    nextAttributeId: attributes.length + 1,
  };
}

/** MISP's exception body: `{ name, message, url }`. */
function failure(status: number, message: string, url: string): TwinResponse {
  return { status, body: { name: message, message, url } };
}

/** MISP's refused save (RestResponseComponent::saveFailResponse): 403 with the field errors. */
function saveFailed(errors: Record<string, string[]>): TwinResponse {
  return { status: 403, body: { name: 'Could not add Attribute', message: 'Could not add Attribute', url: '/attributes/add', errors } };
}

const list = (value: unknown): unknown[] | undefined => (value === undefined || value === null ? undefined : Array.isArray(value) ? value : [value]);

/** A MISP value filter: case-insensitive, `%` matching any run of characters. */
function valueMatcher(pattern: string): (value: string) => boolean {
  if (!pattern.includes('%')) return (value) => value.toLowerCase() === pattern.toLowerCase();
  const regex = new RegExp(`^${pattern.split('%').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return (value) => regex.test(value);
}

function lastCutoff(last: unknown, now: number): number | undefined {
  const match = typeof last === 'string' ? /^(\d+)([dhm])$/.exec(last) : null;
  if (!match) return undefined;
  const unit = match[2] === 'd' ? 86_400 : match[2] === 'h' ? 3_600 : 60;
  return Math.floor(now / 1000) - Number(match[1]) * unit;
}

/** The filters of `restSearch` the lab understands, applied to one attribute. */
function matches(a: MispAttribute, filters: Record<string, unknown>): boolean {
  if (a.deleted) return false;
  const values = list(filters['value'])?.map(String);
  if (values && !values.some((v) => valueMatcher(v)(a.value))) return false;
  const types = list(filters['type'])?.map(String);
  if (types && !types.includes(a.type)) return false;
  const categories = list(filters['category'])?.map(String);
  if (categories && !categories.includes(a.category)) return false;
  const events = list(filters['eventid'])?.map(String);
  if (events && !events.includes(a.event_id)) return false;
  const tags = list(filters['tags'])?.map(String);
  if (tags && !a.Tag.some((t) => tags.includes(t.name))) return false;
  const toIds = filters['to_ids'];
  if (toIds !== undefined && toIds !== null && a.to_ids !== (toIds === true || toIds === 1 || toIds === '1')) return false;
  const cutoff = lastCutoff(filters['last'], Date.now());
  if (cutoff !== undefined && Number(a.timestamp) < cutoff) return false;
  return true;
}

function restSearch(req: TwinRequest, state: MispState): TwinResponse {
  const filters = (req.body ?? {}) as Record<string, unknown>;
  const all = state.attributes.filter((a) => matches(a, filters));
  const limit = Number(filters['limit']);
  const page = Number(filters['page'] ?? 1);
  const paged = Number.isInteger(limit) && limit > 0 ? all.slice((Math.max(1, page) - 1) * limit, Math.max(1, page) * limit) : all;
  const Attribute = paged.map((a) => {
    const event = state.events[a.event_id];
    return { ...a, Event: event ? { org_id: event.org_id, distribution: event.distribution, id: event.id, info: event.info, orgc_id: event.orgc_id, uuid: event.uuid } : undefined };
  });
  return { body: { response: { Attribute } }, headers: { 'X-Result-Count': String(all.length) } };
}

function addAttribute(req: TwinRequest, state: MispState): TwinResponse {
  const key = req.params['eventId'] ?? '';
  const event = state.events[key] ?? Object.values(state.events).find((e) => e.uuid === key.toLowerCase());
  if (!event) return failure(404, 'Invalid event', `/attributes/add/${key}`);
  const raw = (req.body ?? {}) as Record<string, unknown>;
  const data = (typeof raw['Attribute'] === 'object' && raw['Attribute'] !== null ? raw['Attribute'] : raw) as Record<string, unknown>;
  const type = typeof data['type'] === 'string' ? data['type'] : '';
  const value = typeof data['value'] === 'string' ? data['value'].trim() : '';
  const definition = TYPES[type];
  if (!definition) return saveFailed({ type: ['Options depend on the selected category.'] });
  const category = typeof data['category'] === 'string' ? data['category'] : definition.category;
  if (!CATEGORIES.has(category)) return saveFailed({ category: ['Options depend on the selected type.'] });
  if (value === '') return saveFailed({ value: ['Please fill in this field'] });
  const format = definition.format;
  const valid = format === undefined || (typeof format === 'function' ? format(value) : format.test(value));
  if (!valid) return saveFailed({ value: ['Value not in the right type/format. Please double check the value or select type "other".'] });
  if (state.attributes.some((a) => !a.deleted && a.event_id === event.id && a.type === type && a.value === value)) {
    return saveFailed({ value: ['A similar attribute already exists for this event.'] });
  }
  const id = state.nextAttributeId++;
  const created: MispAttribute = {
    ...attribute(id, event.id, type, value, String(Math.floor(Date.now() / 1000)), { comment: typeof data['comment'] === 'string' ? data['comment'] : '' }),
    category,
    to_ids: typeof data['to_ids'] === 'boolean' ? data['to_ids'] : definition.to_ids,
    distribution: typeof data['distribution'] === 'string' ? data['distribution'] : '5',
    sharing_group_id: typeof data['sharing_group_id'] === 'string' ? data['sharing_group_id'] : '0',
  };
  state.attributes.push(created);
  event.published = false;
  const { Tag: _tags, ...body } = created;
  return { body: { Attribute: body, AttributeTag: [] } };
}

export const mispTwin: TwinDefinition<MispState> = {
  id: 'misp',
  name: 'MISP',
  initialState,
  // Source: MISP app/Controller/AppController.php (ForbiddenException with this text); PyMISP's offline tests mock it as 403 {name, message, url}.
  authenticate: (req) =>
    req.headers['authorization'] === mispLabCredentials.apiKey
      ? undefined
      : failure(403, 'Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.', req.path),
  // Source: MISP app/Controller/Component/RateLimitComponent.php: 429 'Rate limit exceeded.' for restSearch, reset = seconds left (Redis TTL).
  rateLimited: (retryAfterSeconds) => ({
    ...failure(429, 'Rate limit exceeded.', '/attributes/restSearch'),
    headers: { 'X-Rate-Limit-Limit': String(RATE_LIMIT), 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': String(retryAfterSeconds) },
  }),
  notFound: (req) => failure(404, 'Not Found', req.path),
  routes: [
    { method: 'POST', path: '/attributes/restSearch', handler: restSearch },
    { method: 'POST', path: '/attributes/add/:eventId', handler: addAttribute },
  ],
};
