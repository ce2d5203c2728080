import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A fresh per-start token: 32 random bytes, base64url, as Jupyter prints one in its URL. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The cookie carrying the token; named per port, since cookies are shared by every port of a host. */
export function tokenCookieName(port: number): string {
  return `switchboard_token_${port}`;
}

/** The Set-Cookie value after a first page load with `?token=`: script-proof, same-site only. */
export function tokenCookie(port: number, token: string): string {
  return `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/** Compares tokens in constant time (hashes first, so lengths leak nothing either). */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** One cookie's value from a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Host headers the server answers to: its own loopback address and port, nothing a DNS name could rebind. */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const lower = host.toLowerCase();
  return lower === `127.0.0.1:${port}` || lower === `localhost:${port}`;
}

/** Origins the server trusts: its own pages. Absent is fine (non-browser clients, same-origin GETs). */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  const lower = origin.toLowerCase();
  return lower === `http://127.0.0.1:${port}` || lower === `http://localhost:${port}`;
}

/** The guard's answer: let it through (saying whether the token came in the URL), or refuse with a status. */
export type Verdict = { ok: true; tokenInQuery: boolean } | { ok: false; status: 401 | 403; reason: string };

/**
 * Checks one HTTP request or WebSocket upgrade: Host and Origin first (403: DNS rebinding,
 * cross-site), then the token from the `token` query parameter or the cookie (401).
 */
export function checkRequest(headers: IncomingHttpHeaders, url: URL, port: number, token: string): Verdict {
  if (!isAllowedHost(headers.host, port)) return { ok: false, status: 403, reason: `Host header must be 127.0.0.1:${port} or localhost:${port}` };
  const origin = headers.origin;
  if (!isAllowedOrigin(typeof origin === 'string' ? origin : undefined, port)) {
    return { ok: false, status: 403, reason: 'cross-origin requests are refused' };
  }
  const fromQuery = url.searchParams.get('token');
  if (fromQuery !== null && tokensEqual(fromQuery, token)) return { ok: true, tokenInQuery: true };
  const fromCookie = readCookie(headers.cookie, tokenCookieName(port));
  if (fromCookie !== undefined && tokensEqual(fromCookie, token)) return { ok: true, tokenInQuery: false };
  const reason = fromQuery !== null || fromCookie !== undefined ? 'wrong token' : 'missing token';
  return { ok: false, status: 401, reason: `${reason}: open the URL that switchboard serve printed (it carries ?token=…)` };
}
