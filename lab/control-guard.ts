import { randomBytes, timingSafeEqual } from 'node:crypto';
import { RE2JS } from 're2js';

/** What a twin's control API (`/_lab/…`) is guarded by: where it listens and the lab's token. */
export interface ControlGuard {
  port: number;
  token: string;
}

/** A refusal of a control request: its status and the one-line reason. */
export interface ControlRefusal {
  status: 401 | 403 | 415;
  error: string;
}

/** A fresh control token for a lab: 32 random hex characters. */
export function newControlToken(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Decides whether a control request may run. The control API can reset, rewrite and break every
 * twin, so like the editor's server it answers only its own loopback Host (no DNS rebinding),
 * no other Origin (no cross-site form posts), the lab's bearer token, and JSON bodies only.
 */
export function controlRefusal(headers: Record<string, string | undefined>, rawBody: string, guard: ControlGuard): ControlRefusal | undefined {
  const own = [`127.0.0.1:${guard.port}`, `localhost:${guard.port}`];
  if (!own.includes((headers['host'] ?? '').toLowerCase())) return { status: 403, error: `lab control: Host ${JSON.stringify(headers['host'] ?? '')} is not this twin` };
  const origin = headers['origin'];
  if (origin !== undefined && !own.some((host) => origin.toLowerCase() === `http://${host}`)) return { status: 403, error: `lab control: Origin ${origin} may not call it` };
  if (!bearerMatches(headers['authorization'], guard.token)) return { status: 401, error: 'lab control: give the lab\'s control token as Authorization: Bearer <token>' };
  if (rawBody !== '' && !/^application\/json\s*(;|$)/i.test(headers['content-type'] ?? '')) return { status: 415, error: 'lab control: send JSON (Content-Type: application/json)' };
  return undefined;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A fault's path pattern, matched in linear time whatever its text (RE2: no backtracking). */
export type PathMatcher = (path: string) => boolean;

/** Compiles a fault's `path` pattern with RE2; throws one line naming it when RE2 cannot run it. */
export function compilePathPattern(pattern: string): PathMatcher {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (err) {
    throw new Error(`fault path ${JSON.stringify(pattern)} is not a pattern RE2 can run: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return (path) => compiled.matcher(path).find();
}
