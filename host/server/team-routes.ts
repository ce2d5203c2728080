import type http from 'node:http';
import { readBody } from './read-body.ts';
import * as z from 'zod';
import { issueLine } from '../protocol/dispatch.ts';
import type { TeamContext } from '../protocol/host-context.ts';
import { oneLineMessage } from '../protocol/host-error.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';

/** Largest sign-in body read; a bigger one is refused (413) unread. */
export const MAX_SIGN_IN_BYTES = 4 * 1024;

/** The one answer to a wrong name or a wrong password: which one was wrong is not said. */
export const WRONG_SIGN_IN = 'wrong user name or password';

/** The body of `POST /api/session`. */
const SignInBody = z.strictObject({
  user: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  password: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
});

/** What the team routes work with. */
export interface TeamRoutesOptions {
  team: TeamContext;
  throttle: SignInThrottle;
  log: (line: string) => void;
  /** Epoch ms; the throttle's clock (tests pass their own). */
  now?: () => number;
}

/**
 * The HTTP routes of a team server (DESIGN.md §11), behind the server's Host and Origin guard:
 * `GET /api/team` (this is a team server), `POST /api/session` (sign in), `DELETE /api/session`
 * (sign out). Returns whether it answered the request; other paths are left to the server.
 */
export function createTeamRoutes(options: TeamRoutesOptions): (req: http.IncomingMessage, res: http.ServerResponse, pathname: string) => boolean {
  const now = options.now ?? Date.now;
  return (req, res, pathname) => {
    if (pathname === '/api/team') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
      json(res, 200, { team: true });
      return true;
    }
    if (pathname !== '/api/session') return false;
    if (req.method === 'POST') void signIn(req, res, options, now);
    else if (req.method === 'DELETE') void signOut(req, res, options);
    else return methodNotAllowed(res, 'POST, DELETE');
    return true;
  };
}

/** `POST /api/session`: JSON `{ user, password }` in, `{ token, user, expiresAt }` out; failures are throttled and audited. */
async function signIn(req: http.IncomingMessage, res: http.ServerResponse, options: TeamRoutesOptions, now: () => number): Promise<void> {
  const { team, throttle } = options;
  if (!isJson(req.headers['content-type'])) return json(res, 415, { error: 'Content-Type must be application/json' });
  const text = await readText(req, MAX_SIGN_IN_BYTES);
  if (text === undefined) {
    res.setHeader('Connection', 'close');
    return json(res, 413, { error: `the body is larger than ${MAX_SIGN_IN_BYTES / 1024} KiB` });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return json(res, 400, { error: 'body: is not valid JSON' });
  }
  const body = SignInBody.safeParse(data);
  if (!body.success) return json(res, 400, { error: issueLine(body.error.issues, 'body') });
  const { user: name, password } = body.data;
  const address = req.socket.remoteAddress ?? 'unknown';
  const wait = throttle.retryAfter(address, name, now());
  if (wait > 0) {
    res.setHeader('Retry-After', String(wait));
    return json(res, 429, { error: `too many failed sign-ins: try again in ${wait} s` });
  }
  let session: Awaited<ReturnType<TeamContext['people']['login']>>;
  try {
    session = await team.people.login(name, password);
  } catch (err) {
    options.log(`switchboard: sign-in of ${JSON.stringify(name)} failed: ${oneLineMessage(err)}`);
    return json(res, 500, { error: 'sign-in could not be checked; try again' });
  }
  const audit = { actor: name, action: 'sign-in', target: name, detail: { ok: session !== undefined, address } };
  if (session === undefined) {
    throttle.failed(address, name, now());
    await team.audit.record(audit).catch((err: unknown) => options.log(`switchboard: a failed sign-in could not be audited: ${oneLineMessage(err)}`));
    return json(res, 401, { error: WRONG_SIGN_IN });
  }
  throttle.succeeded(name);
  try {
    await team.audit.record({ ...audit, actor: session.user.name, target: session.user.name });
  } catch (err) {
    // A sign-in the trail does not show is taken back: every later action would be unattributable.
    options.log(`switchboard: the sign-in of ${session.user.name} could not be audited: ${oneLineMessage(err)}`);
    await team.people.logout(session.token).catch(() => undefined);
    return json(res, 500, { error: 'sign-in could not be recorded in the audit trail; try again' });
  }
  json(res, 200, { token: session.token, user: { name: session.user.name, role: session.user.role }, expiresAt: session.expiresAt });
}

/** `DELETE /api/session` with `Authorization: Bearer <token>`: ends the session (204 whether or not it was still valid). */
async function signOut(req: http.IncomingMessage, res: http.ServerResponse, options: TeamRoutesOptions): Promise<void> {
  req.resume();
  const token = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/.exec(req.headers.authorization ?? '')?.[1];
  if (token === undefined) {
    res.setHeader('WWW-Authenticate', 'Bearer');
    return json(res, 401, { error: 'Authorization: give Bearer <session token>' });
  }
  try {
    const who = await options.team.people.session(token);
    await options.team.people.logout(token);
    if (who !== undefined) {
      await options.team.audit.record({ actor: who.name, action: 'sign-out', target: who.name }).catch((err: unknown) => options.log(`switchboard: a sign-out could not be audited: ${oneLineMessage(err)}`));
    }
  } catch (err) {
    options.log(`switchboard: sign-out failed: ${oneLineMessage(err)}`);
    return json(res, 500, { error: 'sign-out could not be completed; try again' });
  }
  res.statusCode = 204;
  res.setHeader('Cache-Control', 'no-store');
  res.end();
}

/** Whether a Content-Type header names JSON (`application/json`, any parameters). */
export function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/** The body as text, or undefined when it is longer than `limit` bytes (a declared length says so before any is read). */
async function readText(req: http.IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return undefined;
  const body = await readBody(req, limit);
  if (typeof body === 'string') {
    req.pause();
    return undefined;
  }
  return body.toString('utf8');
}

function methodNotAllowed(res: http.ServerResponse, allow: string): true {
  res.setHeader('Allow', allow);
  json(res, 405, { error: `use ${allow}` });
  return true;
}

/** A JSON answer that no cache keeps. */
function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}
