import fs from 'node:fs';
import type { Protocol } from 'electron';
import { cacheControlOf, contentTypeOf, pickStaticFile } from '../host/shell-entry.ts';
import { APP_HOST, APP_SCHEME } from './security.ts';

/**
 * The renderer is served from `app://switchboard/`, not `file://`: the page gets an origin of its
 * own (so CSP `'self'` means the app's bundle, not every file on the disk, and IPC senders can be
 * checked against it), and only files inside dist/renderer can be read — the same path rules as
 * the browser transport's static server.
 */

/** Must run before `app` is ready: the scheme behaves like https (standard, secure, fetch allowed). */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Answers one app:// request from `rendererDir`: the file with its type and the CSP, or 404. */
export async function serveAppRequest(request: { url: string; method: string }, rendererDir: string, policy: string): Promise<Response> {
  const url = new URL(request.url);
  const headers = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' };
  if (url.host !== APP_HOST) return new Response('not found\n', { status: 404, headers });
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('not allowed\n', { status: 405, headers });
  const file = pickStaticFile(rendererDir, url.pathname);
  if (file === undefined) return new Response(`no ${url.pathname}\n`, { status: 404, headers });
  let body: Buffer;
  try {
    body = await fs.promises.readFile(file);
  } catch {
    return new Response(`no ${url.pathname}\n`, { status: 404, headers });
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: {
      'Content-Type': contentTypeOf(file),
      'Cache-Control': cacheControlOf(file),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': policy,
    },
  });
}

/** Serves app:// from `rendererDir` (call once `app` is ready). */
export function handleAppScheme(protocol: Pick<Protocol, 'handle'>, rendererDir: string, policy: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, rendererDir, policy));
}
