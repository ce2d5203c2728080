import { compilePathPattern, controlRefusal, newControlToken, type PathMatcher } from './control-guard.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as a twin's route handler sees it: parsed URL, query, headers and body. */
export interface TwinRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  params: Record<string, string>;
  /** Parsed JSON, a form as a plain object, or the raw text. */
  body: unknown;
  rawBody: string;
}

/** What a handler answers. `body` objects are sent as JSON, strings as they are. */
export interface TwinResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TwinRoute<S> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** `/api/v3/ip_addresses/:ip`; a trailing `*` param (`:rest*`) takes the rest of the path. */
  path: string;
  handler(req: TwinRequest, state: S): TwinResponse | Promise<TwinResponse>;
}

/** A simulated vendor API: its routes, its auth check and the vendor's own error shapes. */
export interface TwinDefinition<S> {
  id: string;
  name: string;
  /** Fresh deterministic state (the shared scenario); `reset` restores it. */
  initialState: () => S;
  /** Returns the vendor's refusal (e.g. 401 with its error body) or undefined when authorised. */
  authenticate(req: TwinRequest, state: S): TwinResponse | undefined;
  /** The vendor's rate-limit answer (429 with its body and headers). */
  rateLimited: (retryAfterSeconds: number) => TwinResponse;
  /** The vendor's answer to an unknown path. */
  notFound?: (req: TwinRequest) => TwinResponse;
  routes: TwinRoute<S>[];
  /** Routes that skip `authenticate` (e.g. an OAuth token endpoint that checks its own way). */
  publicPaths?: string[];
  /**
   * What real sources do on their own (`POST /_lab/emit`): new alerts or messages, late-indexed
   * ones, duplicates, as the body asks; `{}` emits one ordinary item (the emit timer sends that).
   */
  emit?(body: unknown, state: S): TwinResponse;
}

/** A fault the control endpoint injects: answer with `status`/`body`, wait, or drop the connection. */
export interface Fault {
  method?: string;
  /** Regular expression matched against the path. */
  path?: string;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Destroy the socket without answering (a connection reset). */
  reset?: boolean;
  /** How many matching requests it affects; unlimited when absent. */
  times?: number;
}

export interface RunningTwin<S> {
  id: string;
  name: string;
  url: string;
  state: () => S;
  reset: () => void;
  /** Requests seen (method and path), for tests that assert no write reached a twin. */
  requests: Array<{ method: string; path: string }>;
  /** The bearer token its control API (`/_lab/…`) asks for. */
  controlToken: string;
  close: () => Promise<void>;
}

interface Compiled<S> {
  route: TwinRoute<S>;
  pattern: RegExp;
  names: string[];
}

function compileRoute<S>(route: TwinRoute<S>): Compiled<S> {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((part) => {
      const match = /^:(\w+)(\*)?$/.exec(part);
      if (!match) return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      names.push(match[1]!);
      return match[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}/?$`), names };
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function send(res: ServerResponse, response: TwinResponse): void {
  const status = response.status ?? 200;
  const isText = typeof response.body === 'string';
  const payload = response.body === undefined ? '' : isText ? (response.body as string) : JSON.stringify(response.body);
  const headers: Record<string, string> = { ...response.headers };
  if (payload !== '' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  }
  res.writeHead(status, headers);
  res.end(payload);
}

function readBody(req: IncomingMessage, limit = 5_000_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) reject(new Error('request body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(req.headers)) out[key] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/**
 * Starts a twin on 127.0.0.1 (port 0 unless given). Besides the vendor's routes it serves a
 * control API under `/_lab/`: `POST /_lab/reset`, `GET /_lab/state`, `POST /_lab/faults`
 * (a Fault or a list), `POST /_lab/rate-limit` `{ budget, retryAfterSeconds }`, and for twins
 * that emit: `POST /_lab/emit` (the twin's own body) and `POST /_lab/emit-timer`
 * `{ everySeconds }` (one ordinary item every N seconds; 0 or a reset stops it; off at start).
 */
export async function startTwin<S>(definition: TwinDefinition<S>, port = 0, options: { controlToken?: string } = {}): Promise<RunningTwin<S>> {
  const routes = definition.routes.map(compileRoute);
  const controlToken = options.controlToken ?? newControlToken();
  let listening = port;
  let state = definition.initialState();
  let faults: Array<Fault & { matches?: PathMatcher }> = [];
  let rate: { budget: number; used: number; retryAfterSeconds: number } | undefined;
  const requests: Array<{ method: string; path: string }> = [];
  const sockets = new Set<Socket>();
  let emitTimer: NodeJS.Timeout | undefined;

  /** Back to the initial state: no faults, no rate limit, no recorded requests, no emit timer. */
  const resetAll = (): void => {
    clearInterval(emitTimer);
    emitTimer = undefined;
    state = definition.initialState();
    faults = [];
    rate = undefined;
    requests.length = 0;
  };

  const control = async (req: TwinRequest): Promise<TwinResponse> => {
    const refused = controlRefusal(req.headers, req.rawBody, { port: listening, token: controlToken });
    if (refused) return { status: refused.status, body: { error: refused.error } };
    if (req.path === '/_lab/reset' && req.method === 'POST') {
      resetAll();
      return { body: { ok: true } };
    }
    if (req.path === '/_lab/state' && req.method === 'GET') return { body: state };
    if (req.path === '/_lab/requests' && req.method === 'GET') return { body: requests };
    if (req.path === '/_lab/faults' && req.method === 'POST') {
      const added = (Array.isArray(req.body) ? req.body : [req.body]).filter((f): f is Fault => typeof f === 'object' && f !== null);
      try {
        faults.push(...added.map((f) => (typeof f.path === 'string' ? { ...f, matches: compilePathPattern(f.path) } : f)));
      } catch (err) {
        return { status: 400, body: { error: err instanceof Error ? err.message : String(err) } };
      }
      return { body: { ok: true, faults: faults.length } };
    }
    if (req.path === '/_lab/emit' && req.method === 'POST' && definition.emit !== undefined) return definition.emit(req.body ?? {}, state);
    if (req.path === '/_lab/emit-timer' && req.method === 'POST' && definition.emit !== undefined) {
      const every = (req.body as { everySeconds?: unknown } | undefined)?.everySeconds;
      if (typeof every !== 'number' || !(every >= 0 && every <= 86_400)) return { status: 400, body: { error: 'emit-timer: everySeconds must be a number from 0 (off) to 86400' } };
      clearInterval(emitTimer);
      emitTimer = every === 0 ? undefined : setInterval(() => definition.emit?.({}, state), every * 1000).unref();
      return { body: { ok: true, everySeconds: every } };
    }
    if (req.path === '/_lab/rate-limit' && req.method === 'POST') {
      const body = (req.body ?? {}) as { budget?: number; retryAfterSeconds?: number };
      rate = { budget: body.budget ?? 0, used: 0, retryAfterSeconds: body.retryAfterSeconds ?? 1 };
      return { body: { ok: true } };
    }
    return { status: 404, body: { error: `no lab control ${req.method} ${req.path}` } };
  };

  const takeFault = (req: TwinRequest): Fault | undefined => {
    const index = faults.findIndex((f) => (!f.method || f.method.toUpperCase() === req.method) && (!f.matches || f.matches(req.path)));
    if (index < 0) return undefined;
    const fault = faults[index]!;
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) faults.splice(index, 1);
    }
    return fault;
  };

  const handle = async (raw: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(raw.url ?? '/', 'http://twin');
    const rawBody = await readBody(raw);
    const headers = headersOf(raw);
    const req: TwinRequest = { method: raw.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, params: {}, body: parseBody(rawBody, headers['content-type']), rawBody };
    if (req.path.startsWith('/_lab/')) return send(res, await control(req));
    requests.push({ method: req.method, path: req.path });
    const fault = takeFault(req);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.reset) {
      raw.socket.destroy();
      return;
    }
    if (fault?.status) return send(res, { status: fault.status, body: fault.body, ...(fault.headers ? { headers: fault.headers } : {}) });
    if (rate && ++rate.used > rate.budget) return send(res, definition.rateLimited(rate.retryAfterSeconds));
    const found = routes.map((r) => ({ r, m: r.route.method === req.method ? r.pattern.exec(req.path) : null })).find((x) => x.m);
    const isPublic = definition.publicPaths?.some((p) => req.path === p) ?? false;
    if (!isPublic) {
      const refusal = definition.authenticate(req, state);
      if (refusal) return send(res, refusal);
    }
    if (!found) return send(res, definition.notFound?.(req) ?? { status: 404, body: { error: 'not found' } });
    found.r.names.forEach((name, i) => (req.params[name] = decodeURIComponent(found.m![i + 1]!)));
    send(res, await found.r.route.handler(req, state));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: { error: err instanceof Error ? err.message : String(err) } });
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  listening = address.port;
  return {
    id: definition.id,
    name: definition.name,
    url: `http://127.0.0.1:${address.port}`,
    state: () => state,
    reset: resetAll,
    requests,
    controlToken,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(emitTimer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
