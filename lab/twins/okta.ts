import { scenario } from '../scenario.ts';
import type { TwinDefinition, TwinRequest, TwinResponse } from '../twin.ts';

/**
 * Twin of the Okta Management API's users: `Authorization: SSWS <token>`, list/search with
 * `Link: <…>; rel="next"` cursor paging (`after=`), get by id or login, the suspend/unsuspend
 * lifecycle with its state rules, session revocation, Okta's `{errorCode, errorSummary, errorLink,
 * errorId, errorCauses}` errors, and X-Rate-Limit-Limit/Remaining/Reset (UTC epoch seconds) on
 * every response, including the 429 E0000047.
 *
 * Checked against public sources where VENDOR-APIS.md said unconfirmed: suspend/unsuspend answer 200
 * with no content (Okta's unsuspendUser reference); suspending a user who is not ACTIVE is 400
 * E0000001 "Api validation failed: suspendUser" with the cause "Cannot suspend a user that is not
 * active" (okta-sdk-python test fixture), and unsuspending one who is not SUSPENDED has the cause
 * "Cannot unsuspend a user that is not suspended" (Splunk SOAR's Okta app); an unknown user is 404
 * E0000007 "Not found: Resource not found: <id> (User)" (Okta SDK fixtures). Okta documents no
 * Retry-After on 429; the wait comes from X-Rate-Limit-Reset.
 */

/** The API token the twin accepts (what `switchboard lab` binds). */
export const oktaLabCredentials = { apiToken: '00lab-okta-ssws-token-Sw1tchb0ard' };

/** Requests per minute the twin advertises for /api/v1/users. */
export const OKTA_RATE_LIMIT = 600;
const MAX_PAGE = 200;
const USER_TYPE_ID = 'oty1a2b3c4d5e6f7g8h9';

/** Okta's user statuses; the lifecycle operations move users between them. */
export type OktaStatus = 'STAGED' | 'PROVISIONED' | 'ACTIVE' | 'RECOVERY' | 'PASSWORD_EXPIRED' | 'LOCKED_OUT' | 'SUSPENDED' | 'DEPROVISIONED';

/** A user as the twin stores it (type, credentials and _links are added when served). */
export interface TwinOktaUser {
  id: string;
  status: OktaStatus;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  profile: {
    firstName: string;
    lastName: string;
    mobilePhone: string | null;
    secondEmail: string | null;
    login: string;
    email: string;
    department: string;
  };
}

/** One live sign-in session of a user; clear_sessions empties the list. */
export interface OktaSession {
  id: string;
  createdAt: string;
  ipAddress: string;
}

/** The org's users and sessions; suspend/unsuspend/clear change it, so tests read outcomes back. */
export interface OktaTwinState {
  users: TwinOktaUser[];
  /** Live sessions per user id. */
  sessions: Record<string, OktaSession[]>;
  /** Every clear-sessions call, in order. */
  revocations: Array<{ userId: string; sessions: number; oauthTokens: boolean }>;
  /** Numbers errorIds, so each error answer has its own. */
  errors: number;
  /** Requests counted in the current rate-limit minute. */
  rate: { windowStart: number; used: number };
}

// ---------------------------------------------------------------------------------------------
// Errors and rate-limit headers

function errorId(state: OktaTwinState | undefined): string {
  const n = state === undefined ? 0 : ++state.errors;
  return `oae${n.toString(36).padStart(4, '0')}Lab7Sw1tchb0ardQz`;
}

/** Okta's error body. */
function oktaError(
  state: OktaTwinState | undefined,
  status: number,
  code: string,
  summary: string,
  causes: string[] = [],
): TwinResponse {
  return {
    status,
    body: { errorCode: code, errorSummary: summary, errorLink: code, errorId: errorId(state), errorCauses: causes.map((errorSummary) => ({ errorSummary })) },
  };
}

const notFoundUser = (state: OktaTwinState, id: string) => oktaError(state, 404, 'E0000007', `Not found: Resource not found: ${id} (User)`);

/** The minute window the request falls in, its reset time (epoch seconds) and how many calls are left. */
function rateHeaders(state: OktaTwinState | undefined, count: boolean): Record<string, string> {
  const now = Date.now();
  const windowStart = Math.floor(now / 60_000) * 60_000;
  let used = 0;
  if (state !== undefined) {
    if (state.rate.windowStart !== windowStart) state.rate = { windowStart, used: 0 };
    if (count) state.rate.used += 1;
    used = state.rate.used;
  }
  return {
    'x-rate-limit-limit': String(OKTA_RATE_LIMIT),
    'x-rate-limit-remaining': String(Math.max(0, OKTA_RATE_LIMIT - used)),
    'x-rate-limit-reset': String((windowStart + 60_000) / 1000),
  };
}

/** Adds the rate-limit headers Okta sends on every response. */
function rated(state: OktaTwinState | undefined, response: TwinResponse, count = true): TwinResponse {
  return { ...response, headers: { ...rateHeaders(state, count), ...response.headers } };
}

// ---------------------------------------------------------------------------------------------
// The scenario's directory

function userOf(person: { id: string; login: string; firstName: string; lastName: string; department: string }, lastLogin: string): TwinOktaUser {
  return {
    id: person.id,
    status: 'ACTIVE',
    created: '2024-02-12T09:30:00.000Z',
    activated: '2024-02-12T09:31:12.000Z',
    statusChanged: '2024-02-12T09:31:12.000Z',
    lastLogin,
    lastUpdated: lastLogin,
    passwordChanged: '2026-06-02T10:00:00.000Z',
    profile: {
      firstName: person.firstName,
      lastName: person.lastName,
      mobilePhone: null,
      secondEmail: null,
      login: person.login,
      email: person.login,
      department: person.department,
    },
  };
}

function initialState(): OktaTwinState {
  const { alice, bob, carol } = scenario.users;
  const suspiciousLogin = scenario.login.time.replace('Z', '.000Z');
  return {
    users: [userOf(alice, suspiciousLogin), userOf(bob, '2026-11-26T17:02:41.000Z'), userOf(carol, '2026-11-27T06:48:19.000Z')],
    sessions: {
      [alice.id]: [
        { id: '102lab0a1iceOffice00001', createdAt: '2026-11-26T07:58:10.000Z', ipAddress: '10.20.30.41' },
        { id: '102lab0a1iceSuspect0002', createdAt: suspiciousLogin, ipAddress: scenario.login.maliciousIp },
      ],
      [bob.id]: [{ id: '102lab0b0bOffice0000001', createdAt: '2026-11-26T17:02:41.000Z', ipAddress: '10.20.30.52' }],
      [carol.id]: [{ id: '102lab0carolOffice00001', createdAt: '2026-11-27T06:48:19.000Z', ipAddress: '10.20.30.63' }],
    },
    revocations: [],
    errors: 0,
    rate: { windowStart: 0, used: 0 },
  };
}

function originOf(req: TwinRequest): string {
  return `http://${req.headers.host ?? '127.0.0.1'}`;
}

/** A user as the API serves it: type, credentials and the `_links` its status allows. */
function present(req: TwinRequest, user: TwinOktaUser): Record<string, unknown> {
  const self = `${originOf(req)}/api/v1/users/${user.id}`;
  const lifecycle: Record<string, { href: string; method: string }> =
    user.status === 'SUSPENDED'
      ? { unsuspend: { href: `${self}/lifecycle/unsuspend`, method: 'POST' } }
      : user.status === 'ACTIVE'
        ? { suspend: { href: `${self}/lifecycle/suspend`, method: 'POST' } }
        : {};
  return {
    ...user,
    type: { id: USER_TYPE_ID },
    credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
    _links: {
      self: { href: self },
      ...lifecycle,
      deactivate: { href: `${self}/lifecycle/deactivate`, method: 'POST' },
      type: { href: `${originOf(req)}/api/v1/meta/types/user/${USER_TYPE_ID}` },
    },
  };
}

/** A user by id, login, or login shortname (the part before `@`, when unambiguous). */
function findUser(state: OktaTwinState, key: string): TwinOktaUser | undefined {
  const k = key.toLowerCase();
  const exact = state.users.find((u) => u.id.toLowerCase() === k || u.profile.login.toLowerCase() === k);
  if (exact) return exact;
  const short = state.users.filter((u) => u.profile.login.toLowerCase().split('@')[0] === k);
  return short.length === 1 ? short[0] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Search expressions: `attr eq "v"`, `sw`, `gt/ge/lt/le`, `pr`, joined with `and` / `or`

type UserPredicate = (user: TwinOktaUser) => boolean;

const SEARCHABLE = /^(id|status|created|activated|statusChanged|lastLogin|lastUpdated|passwordChanged|profile\.[A-Za-z]+)$/;

function attribute(user: TwinOktaUser, path: string): unknown {
  if (path.startsWith('profile.')) return (user.profile as Record<string, unknown>)[path.slice('profile.'.length)];
  return (user as unknown as Record<string, unknown>)[path];
}

function term(text: string): UserPredicate {
  const t = text.trim().replace(/^\((.*)\)$/s, '$1').trim();
  const presence = /^([\w.]+)\s+pr$/i.exec(t);
  if (presence && SEARCHABLE.test(presence[1]!)) {
    const path = presence[1]!;
    return (u) => attribute(u, path) !== null && attribute(u, path) !== undefined;
  }
  const match = /^([\w.]+)\s+(eq|sw|gt|ge|lt|le)\s+"((?:[^"\\]|\\.)*)"$/i.exec(t);
  if (!match || !SEARCHABLE.test(match[1]!)) throw new Error(`invalid search term ${t}`);
  const [, path, op, raw] = match as unknown as [string, string, string, string];
  const value = raw.replace(/\\(.)/g, '$1').toLowerCase();
  return (u) => {
    const actual = attribute(u, path);
    if (typeof actual !== 'string') return false;
    const a = actual.toLowerCase();
    switch (op.toLowerCase()) {
      case 'eq':
        return a === value;
      case 'sw':
        return a.startsWith(value);
      case 'gt':
        return a > value;
      case 'ge':
        return a >= value;
      case 'lt':
        return a < value;
      default:
        return a <= value;
    }
  };
}

/** A predicate for an Okta `search` expression (`or` of `and`s, quoted string values). */
export function parseSearch(expression: string): UserPredicate {
  const alternatives = expression.split(/\s+or\s+(?=(?:[^"]*"[^"]*")*[^"]*$)/i).map((alt) =>
    alt.split(/\s+and\s+(?=(?:[^"]*"[^"]*")*[^"]*$)/i).map(term),
  );
  return (user) => alternatives.some((all) => all.every((p) => p(user)));
}

// ---------------------------------------------------------------------------------------------
// Handlers

function listUsers(req: TwinRequest, state: OktaTwinState): TwinResponse {
  const limitRaw = Number(req.query.get('limit') ?? MAX_PAGE);
  const limit = Number.isInteger(limitRaw) && limitRaw > 0 ? Math.min(limitRaw, MAX_PAGE) : MAX_PAGE;
  const search = req.query.get('search');
  const q = req.query.get('q');
  const filter = req.query.get('filter');
  let predicate: UserPredicate = (u) => u.status !== 'DEPROVISIONED';
  try {
    if (search !== null) predicate = parseSearch(search);
    else if (filter !== null) predicate = parseSearch(filter);
  } catch {
    // E0000031 from Okta's error-code list ("Invalid search criteria."); not re-confirmed against a live org.
    return oktaError(state, 400, 'E0000031', 'Invalid search criteria.', [`Invalid search criteria: ${search ?? filter ?? ''}`]);
  }
  if (q !== null) {
    const prefix = q.toLowerCase();
    predicate = (u) => [u.profile.firstName, u.profile.lastName, u.profile.email].some((v) => v.toLowerCase().startsWith(prefix));
  }
  const matches = state.users.filter(predicate).sort((a, b) => a.id.localeCompare(b.id));
  const after = req.query.get('after');
  const start = after === null ? 0 : matches.findIndex((u) => u.id > after);
  const page = start < 0 ? [] : matches.slice(start, start + limit);
  const selfQuery = req.query.toString().replace(/\+/g, '%20');
  const links = [`<${originOf(req)}/api/v1/users${selfQuery ? `?${selfQuery}` : ''}>; rel="self"`];
  const last = page[page.length - 1];
  if (last !== undefined && start + limit < matches.length) {
    const next = new URLSearchParams(req.query);
    next.set('after', last.id);
    next.set('limit', String(limit));
    links.push(`<${originOf(req)}/api/v1/users?${next.toString().replace(/\+/g, '%20')}>; rel="next"`);
  }
  return { headers: { link: links.join(', ') }, body: page.map((u) => present(req, u)) };
}

function getUser(req: TwinRequest, state: OktaTwinState): TwinResponse {
  const key = req.params['id'] ?? '';
  const user = findUser(state, key);
  return user ? { body: present(req, user) } : notFoundUser(state, key);
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, '.000Z');

function suspend(req: TwinRequest, state: OktaTwinState): TwinResponse {
  const key = req.params['id'] ?? '';
  const user = findUser(state, key);
  if (!user) return notFoundUser(state, key);
  if (user.status !== 'ACTIVE') return oktaError(state, 400, 'E0000001', 'Api validation failed: suspendUser', ['Cannot suspend a user that is not active']);
  user.status = 'SUSPENDED';
  user.statusChanged = now();
  user.lastUpdated = user.statusChanged;
  return { body: {} };
}

function unsuspend(req: TwinRequest, state: OktaTwinState): TwinResponse {
  const key = req.params['id'] ?? '';
  const user = findUser(state, key);
  if (!user) return notFoundUser(state, key);
  if (user.status !== 'SUSPENDED') return oktaError(state, 400, 'E0000001', 'Api validation failed: unsuspendUser', ['Cannot unsuspend a user that is not suspended']);
  user.status = 'ACTIVE';
  user.statusChanged = now();
  user.lastUpdated = user.statusChanged;
  return { body: {} };
}

function clearSessions(req: TwinRequest, state: OktaTwinState): TwinResponse {
  const key = req.params['id'] ?? '';
  const user = findUser(state, key);
  if (!user) return notFoundUser(state, key);
  const live = state.sessions[user.id] ?? [];
  state.revocations.push({ userId: user.id, sessions: live.length, oauthTokens: req.query.get('oauthTokens') === 'true' });
  state.sessions[user.id] = [];
  return { status: 204 };
}

type Handler = (req: TwinRequest, state: OktaTwinState) => TwinResponse;

/** Every answer carries the rate-limit headers. */
const withRateHeaders =
  (handler: Handler): Handler =>
  (req, state) =>
    rated(state, handler(req, state));

/** The Okta users twin: search and paging, lifecycle, sessions, errors and rate-limit headers. */
export const oktaTwin: TwinDefinition<OktaTwinState> = {
  id: 'okta',
  name: 'Okta',
  initialState,
  authenticate: (req, state) => {
    const header = req.headers['authorization'] ?? '';
    const match = /^SSWS\s+(.+)$/i.exec(header);
    if (match?.[1]?.trim() === oktaLabCredentials.apiToken) return undefined;
    // Source: okta-sdk-python README (401 E0000011 'Invalid token provided', errorCauses []).
    return rated(state, oktaError(state, 401, 'E0000011', 'Invalid token provided'));
  },
  // Source: okta-sdk-python openapi/api.yaml examples ErrorTooManyRequests (E0000047, this summary) and ErrorResourceNotFound ('Not found: {0}').
  rateLimited: (retryAfterSeconds) => ({
    status: 429,
    headers: {
      'x-rate-limit-limit': String(OKTA_RATE_LIMIT),
      'x-rate-limit-remaining': '0',
      'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + retryAfterSeconds),
    },
    body: {
      errorCode: 'E0000047',
      errorSummary: 'API call exceeded rate limit due to too many requests.',
      errorLink: 'E0000047',
      errorId: 'oae0000Lab7RateLimit0Qz',
      errorCauses: [],
    },
  }),
  notFound: (req) => rated(undefined, oktaError(undefined, 404, 'E0000007', `Not found: Resource not found: ${req.path} (Endpoint)`), false),
  routes: [
    { method: 'GET', path: '/api/v1/users', handler: withRateHeaders(listUsers) },
    { method: 'GET', path: '/api/v1/users/:id', handler: withRateHeaders(getUser) },
    { method: 'POST', path: '/api/v1/users/:id/lifecycle/suspend', handler: withRateHeaders(suspend) },
    { method: 'POST', path: '/api/v1/users/:id/lifecycle/unsuspend', handler: withRateHeaders(unsuspend) },
    { method: 'DELETE', path: '/api/v1/users/:id/sessions', handler: withRateHeaders(clearSessions) },
  ],
};
