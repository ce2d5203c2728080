import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { TOKEN_PROTOCOL_PREFIX } from '../protocol/socket-token.ts';

/** A fresh per-start token: 32 random bytes, base64url, as Jupyter prints one in its URL. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares tokens in constant time (hashes first, so lengths leak nothing either). */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Where the server is reached: its port, the host names a request may address it by, and whether it speaks TLS. */
export interface Site {
  port: number;
  /** Loopback names always; a public name (`serve --public-name`) when it listens beyond loopback. */
  names: readonly string[];
  tls: boolean;
}

/** The site of a server on `port`: loopback by name and address, plus `publicName` when given. */
export function siteOf(port: number, options: { publicName?: string; tls?: boolean } = {}): Site {
  const names = ['127.0.0.1', 'localhost'];
  const extra = options.publicName?.toLowerCase();
  if (extra !== undefined && !names.includes(extra)) names.push(extra);
  return { port, names, tls: options.tls ?? false };
}

/** The Host header forms of the site: `name:port`, and the bare name on the scheme's default port. */
export function hostForms(site: Site): string[] {
  const defaultPort = site.tls ? 443 : 80;
  return site.names.flatMap((name) => {
    const host = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
    return site.port === defaultPort ? [`${host}:${site.port}`, host] : [`${host}:${site.port}`];
  });
}

/** Host headers the server answers to: its own names and port, nothing a DNS name could rebind. */
export function isAllowedHost(host: string | undefined, site: Site): boolean {
  if (host === undefined) return false;
  return hostForms(site).includes(host.toLowerCase());
}

/** Origins the server trusts: its own pages. Absent is fine (non-browser clients, same-origin GETs). */
export function isAllowedOrigin(origin: string | undefined, site: Site): boolean {
  if (origin === undefined) return true;
  const scheme = site.tls ? 'https' : 'http';
  return hostForms(site).some((host) => origin.toLowerCase() === `${scheme}://${host}`);
}

/** The guard's answer on Host and Origin: let it through, or refuse with 403. */
export type Verdict = { ok: true } | { ok: false; status: 403; reason: string };

/**
 * Checks one HTTP request or WebSocket upgrade for Host and Origin (DNS rebinding, cross-site).
 * HTTP needs nothing more: the page and its assets are the app's public build, not secrets.
 */
export function checkRequest(headers: IncomingHttpHeaders, site: Site): Verdict {
  if (!isAllowedHost(headers.host, site)) {
    return { ok: false, status: 403, reason: `Host header must be ${site.names.map((name) => `${name}:${site.port}`).join(' or ')}` };
  }
  const origin = headers.origin;
  if (!isAllowedOrigin(typeof origin === 'string' ? origin : undefined, site)) {
    return { ok: false, status: 403, reason: 'cross-origin requests are refused' };
  }
  return { ok: true };
}

/** The token a client offered as a `switchboard.token.<token>` subprotocol, or undefined. */
export function tokenFromProtocols(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const offered of header.split(',')) {
    const name = offered.trim();
    if (name.startsWith(TOKEN_PROTOCOL_PREFIX)) return name.slice(TOKEN_PROTOCOL_PREFIX.length);
  }
  return undefined;
}

/**
 * Checks the token of a WebSocket upgrade, read from its subprotocols only: never from a cookie
 * (sent to every port of the host) nor from the query string.
 */
export function checkSocketToken(headers: IncomingHttpHeaders, token: string): { ok: true } | { ok: false; reason: string } {
  const offered = tokenFromProtocols(headers['sec-websocket-protocol']);
  if (offered !== undefined && tokensEqual(offered, token)) return { ok: true };
  return { ok: false, reason: `${offered === undefined ? 'missing token' : 'wrong token'}: open the URL that switchboard serve printed` };
}
