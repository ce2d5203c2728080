import { isTokenShaped } from '../../host/protocol/socket-token.ts';

/**
 * The team server's sign-in endpoints (DESIGN.md §11), beside the WebSocket: whether this server
 * is one, and a session opened or ended. Plain HTTP on the page's own origin; `fetch` is injected
 * so tests answer it.
 */

/** The `fetch` the endpoints use: the browser's, or a test's. */
export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** Who signed in, as the server's sign-in answer names them. */
export interface SessionUser {
  name: string;
  role: string;
}

/** An open session: the token the WebSocket takes, and whom it belongs to. */
export interface Session {
  token: string;
  user: SessionUser;
  expiresAt: number;
}

/** What a sign-in came to: a session, or the one line to show under the form. */
export type SignInResult = { ok: true; session: Session } | { ok: false; error: string };

/** Whether the page came from a team server: `GET /api/team` says `{"team":true}` (a local server answers 404, or its page). */
export async function isTeamServer(fetchFn: Fetch): Promise<boolean> {
  try {
    const response = await fetchFn('/api/team', { headers: { Accept: 'application/json' } });
    if (!response.ok) return false;
    const body = parseJson(await response.text());
    return isRecord(body) && body.team === true;
  } catch {
    return false;
  }
}

/** Signs in with a user name and password (`POST /api/session`). */
export async function requestSession(fetchFn: Fetch, user: string, password: string): Promise<SignInResult> {
  let response: Response;
  try {
    response = await fetchFn('/api/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ user, password }),
    });
  } catch (error) {
    return { ok: false, error: `The server could not be reached (${oneLine(error instanceof Error ? error.message : String(error))}).` };
  }
  const text = await response.text().catch(() => '');
  if (response.ok) {
    const session = sessionOf(parseJson(text));
    return session === undefined ? { ok: false, error: 'The server’s answer to the sign-in was not understood.' } : { ok: true, session };
  }
  return { ok: false, error: refusalOf(response, text) };
}

/** Ends a session on the server (`DELETE /api/session`); false when the server could not be told (it then expires on its own). */
export async function endSession(fetchFn: Fetch, token: string): Promise<boolean> {
  try {
    const response = await fetchFn('/api/session', { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
    return response.ok || response.status === 401;
  } catch {
    return false;
  }
}

/** The one line a refused sign-in shows: the server's own words, or what its status means. */
function refusalOf(response: Response, text: string): string {
  const said = errorTextOf(text);
  if (response.status === 429) {
    const seconds = Number(response.headers.get('Retry-After'));
    return Number.isFinite(seconds) && seconds > 0 ? `Too many attempts; try again in ${Math.ceil(seconds)} s.` : 'Too many attempts; try again later.';
  }
  if (response.status === 401) return sentence(said ?? 'wrong user name or password');
  if (said !== undefined) return sentence(said);
  return `The server refused the sign-in (HTTP ${response.status}).`;
}

/** The `error` of a JSON body, or a text body's first line; undefined for an empty one. */
function errorTextOf(text: string): string | undefined {
  const body = parseJson(text);
  if (isRecord(body)) return typeof body.error === 'string' && body.error.trim() !== '' ? oneLine(body.error) : undefined;
  const line = text.trim().split(/\r?\n/)[0]?.trim() ?? '';
  return line === '' || line.startsWith('<') ? undefined : line.slice(0, 300);
}

function sessionOf(body: unknown): Session | undefined {
  if (!isRecord(body) || typeof body.token !== 'string' || !isTokenShaped(body.token) || !isRecord(body.user)) return undefined;
  const { name, role } = body.user;
  if (typeof name !== 'string' || typeof role !== 'string') return undefined;
  return { token: body.token, user: { name, role }, expiresAt: typeof body.expiresAt === 'number' ? body.expiresAt : 0 };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** Capital first letter and a full stop, so a server's `wrong user name or password` reads as a sentence. */
function sentence(text: string): string {
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
