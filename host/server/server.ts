import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { startLab, type Lab } from '../lab/lab.ts';
import { labVendors } from '../lab/vendors.ts';
import { createHost, type Host, type HostOptions, type TriggerSourceDeps } from '../host.ts';
import type { ServerFrame } from '../protocol/contract.ts';
import { dispatch } from '../protocol/dispatch.ts';
import type { TeamContext } from '../protocol/host-context.ts';
import type { SignedIn } from '../team/people/sessions.ts';
import { oneLineMessage } from '../protocol/host-error.ts';
import { isTokenShaped, SOCKET_PROTOCOL, TOKEN_REFUSED_CODE } from '../protocol/socket-token.ts';
import { listenProblem, urlHost } from './listen-address.ts';
import { checkRequest, checkSocketToken, newToken, siteOf, tokenFromProtocols, type Site } from './request-guard.ts';
import { watchSession, type WatchedSession } from './session-watch.ts';
import { createSignInThrottle } from './sign-in-throttle.ts';
import { createTeamRoutes } from './team-routes.ts';
import { cacheControlOf, CONTENT_SECURITY_POLICY, contentTypeOf, pickStaticFile, SECURITY_HEADERS } from './static-files.ts';
import { startHostWebhooks } from '../triggers/webhooks/host-webhooks.ts';
import type { HooksListen, WebhookSource } from '../triggers/webhooks/listener.ts';

/** Largest frame a client may send; bigger ones close the socket (1009) before being read. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** A client that lets this much pile up unread is dropped rather than grow the host's memory. */
export const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/** Where `npm run build` puts the renderer. */
export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));

/** What `switchboard serve` starts. */
export interface ServerOptions {
  /** 0 picks a free port. */
  port: number;
  workspace: string;
  /** Start the lab's vendor twins beside the host (unbound slots and lab credentials use them). */
  lab: boolean;
  rendererDir?: string;
  /** Anything else the host takes (key provider, registry…), for tests and the desktop shell. */
  host?: Omit<HostOptions, 'workspaceDir' | 'lab'>;
  /** Where unexpected handler errors are reported (default: stderr). */
  log?: (line: string) => void;
  /**
   * The webhook listener, apart from this token-guarded server (DESIGN.md §10): where it binds,
   * and whether its port was asked for. Absent: no listener (tests of the editor alone).
   */
  hooks?: HooksListen & { explicitPort: boolean };
  /** Address to listen on (default 127.0.0.1); anything but loopback needs `tls`. */
  listenHost?: string;
  /** PEM certificate and key: the server speaks https and wss. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** The name browsers reach the server by, accepted in Host and Origin (default `listenHost`). */
  publicName?: string;
  /** Team mode: the PostgreSQL URL the host keeps its people and audit trail in (passed to createHost). */
  database?: string;
  /** Team mode with these people and audit trail instead of the host's own (tests). */
  team?: TeamContext;
  /** How often an open socket's session is looked up again (default 5 s). */
  sessionRecheckMs?: number;
}

/** A running server: its URL (with the token, outside team mode), and how to stop it. */
export interface RunningServer {
  url: string;
  port: number;
  /** The per-start editor token; a team server accepts none (people sign in instead). */
  token: string;
  host: Host;
  lab: Lab | undefined;
  /** `http://127.0.0.1:<port>/hooks/` when the webhook listener runs. */
  hooksUrl?: string;
  close(): Promise<void>;
}

/**
 * The browser transport of DESIGN.md §1: the built renderer and the WebSocket at `/ws` on
 * 127.0.0.1 (or, over TLS, another address), behind Host and Origin checks; the socket also needs
 * the per-start token, as a subprotocol. No cookie is ever set: cookies ignore ports, so every
 * local server would get it. In team mode (DESIGN.md §11) the token is a person's session token
 * from `POST /api/session` instead, and every call is checked against their role.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const rendererDir = options.rendererDir ?? DEFAULT_RENDERER_DIR;
  const listenHost = options.listenHost ?? '127.0.0.1';
  const problem = listenProblem(listenHost, options.tls !== undefined);
  if (problem !== undefined) throw new Error(problem);
  const token = newToken();
  const lab = options.lab ? await startLab(labVendors) : undefined;
  let host: Host;
  let hooks: WebhookSource | undefined;
  const hooksAt = options.hooks;
  const triggerSources = hooksAt ? async (deps: TriggerSourceDeps) => [(hooks = await startHostWebhooks(deps, hooksAt))] : options.host?.triggerSources;
  try {
    host = await createHost({
      log,
      ...options.host,
      workspaceDir: options.workspace,
      ...(lab ? { lab } : {}),
      ...(triggerSources ? { triggerSources } : {}),
      ...(options.database === undefined ? {} : { database: options.database }),
    });
  } catch (err) {
    await lab?.close();
    throw err;
  }

  let port: number;
  if (options.team !== undefined) host.context.team = options.team;
  const team = host.context.team;
  const teamRoutes = team === undefined ? undefined : createTeamRoutes({ team, throttle: createSignInThrottle(), log });
  const publicName = options.publicName ?? (listenHost === '0.0.0.0' || listenHost === '::' ? undefined : listenHost);
  const site: Site = siteOf(0, { tls: options.tls !== undefined, ...(publicName === undefined ? {} : { publicName }) });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    handleProtocols: (offered: Set<string>) => (offered.has(SOCKET_PROTOCOL) ? SOCKET_PROTOCOL : false),
  });
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => serveHttp(req, res, { site, rendererDir, teamRoutes });
  const server = options.tls === undefined ? http.createServer(handler) : https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler);
  // A browser cannot read a refused upgrade's status: close in-band, before reading any frame.
  const refuseInBand = (ws: WebSocket, code: number, reason: string) => {
    ws.on('error', () => ws.terminate());
    ws.close(code, reason);
  };
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/ws') return refuseUpgrade(socket, 404, 'not found');
    const verdict = checkRequest(req.headers, site);
    if (!verdict.ok) return refuseUpgrade(socket, verdict.status, verdict.reason);
    if (team === undefined) {
      const tokenVerdict = checkSocketToken(req.headers, token);
      wss.handleUpgrade(req, socket, head, (ws) => (tokenVerdict.ok ? connect(ws, host, log) : refuseInBand(ws, TOKEN_REFUSED_CODE, tokenVerdict.reason)));
      return;
    }
    const offered = tokenFromProtocols(req.headers['sec-websocket-protocol']);
    const ignore = () => undefined;
    socket.on('error', ignore);
    void lookUpSession(team, offered, log).then((found) => {
      socket.off('error', ignore);
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (found === 'failed') return refuseInBand(ws, 1011, 'the sign-in could not be checked; try again');
        if (found === undefined) return refuseInBand(ws, TOKEN_REFUSED_CODE, offered === undefined ? 'sign in first' : 'unknown or expired session: sign in again');
        const session = watchSession(team.people, found.token, found.user, () => ws.close(TOKEN_REFUSED_CODE, 'your session has ended: sign in again'), log, options.sessionRecheckMs);
        connect(ws, host, log, session);
      });
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  try {
    port = await listen(server, options.port, listenHost);
  } catch (err) {
    await host.close();
    await lab?.close();
    throw err;
  }
  site.port = port;
  host.ownPorts.add(port);
  if (hooks) host.ownPorts.add(Number(new URL(hooks.url).port));

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const client of wss.clients) client.close(1001, 'Switchboard is shutting down');
      await host.close();
      await lab?.close();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await stopped;
    })());

  const origin = `${options.tls === undefined ? 'http' : 'https'}://${urlHost(publicName ?? listenHost)}:${port}/`;
  const url = team === undefined ? `${origin}?token=${token}` : origin;
  return { url, port, token, host, lab, ...(hooks ? { hooksUrl: hooks.url } : {}), close };
}

/** The session a socket offers, looked up before its upgrade completes; 'failed' when the look-up itself failed. */
async function lookUpSession(team: TeamContext, token: string | undefined, log: (line: string) => void): Promise<{ token: string; user: SignedIn } | undefined | 'failed'> {
  if (token === undefined || !isTokenShaped(token)) return undefined;
  try {
    const user = await team.people.session(token);
    return user === undefined ? undefined : { token, user };
  } catch (err) {
    log(`switchboard: a session could not be looked up: ${oneLineMessage(err)}`);
    return 'failed';
  }
}

function listen(server: http.Server | https.Server, port: number, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/** A frame as text; a result JSON cannot carry (a cycle, a BigInt) becomes a FAILED answer. */
export function encodeFrame(frame: ServerFrame): string | undefined {
  try {
    return JSON.stringify(frame);
  } catch (err) {
    if (!('id' in frame)) return undefined;
    return JSON.stringify({ id: frame.id, error: { code: 'FAILED', message: `the answer could not be encoded as JSON (${oneLineMessage(err)})` } });
  }
}

/** The text of a WebSocket message, whichever buffer shape `ws` delivered it in. */
function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** One WebSocket client: each text frame is a request answered by id (as the signed-in person, in team mode); every host event is pushed. */
function connect(ws: WebSocket, host: Host, log: (line: string) => void, session?: WatchedSession): void {
  const send = (frame: ServerFrame): void => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(1008, 'client too slow to read its events');
      return;
    }
    const text = encodeFrame(frame);
    if (text !== undefined) ws.send(text);
  };
  const unsubscribe = host.subscribe(send);
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) return send({ id: null, error: { code: 'BAD_FRAME', message: 'frames must be text (JSON), not binary' } });
    void dispatch(textOf(data), host.context, (method, err) => log(`switchboard: ${method} failed: ${oneLineMessage(err)}`), session?.current()).then(send);
  });
  ws.on('close', () => {
    unsubscribe();
    session?.stop();
  });
  ws.on('error', () => ws.terminate());
}

/** Answers an upgrade the guard refused, on the raw socket, and closes it. */
function refuseUpgrade(socket: Duplex, status: 403 | 404, reason: string): void {
  const text = status === 403 ? 'Forbidden' : 'Not Found';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(reason) + 1}\r\n\r\n${reason}\n`);
}

/**
 * Serves the renderer: Host and Origin first (no token: the build holds no secret), then the file
 * with its type, the CSP on the page. A team server's `/api/` routes come first; no `/api/` path
 * ever falls back to the page, so `GET /api/team` answers 404 on a desktop server.
 */
function serveHttp(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  config: { site: Site; rendererDir: string; teamRoutes: ReturnType<typeof createTeamRoutes> | undefined },
): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const verdict = checkRequest(req.headers, config.site);
  if (!verdict.ok) return plain(res, verdict.status, verdict.reason);
  if (config.teamRoutes?.(req, res, url.pathname) === true) return;
  if (url.pathname.startsWith('/api/')) return plain(res, 404, `no ${url.pathname}`);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return plain(res, 405, `${req.method ?? 'this method'} is not allowed`);
  }
  if (url.pathname === '/ws') return plain(res, 426, 'the protocol is served over a WebSocket at /ws');
  const file = pickStaticFile(config.rendererDir, url.pathname);
  if (file === undefined) {
    if (!fs.existsSync(`${config.rendererDir}/index.html`)) return plain(res, 503, 'The renderer is not built yet: run `npm run build`, or restart `switchboard serve`, which builds it.');
    return plain(res, 404, `no ${url.pathname}`);
  }
  fs.stat(file, (err, stat) => {
    if (err !== null) return plain(res, 404, `no ${url.pathname}`);
    res.statusCode = 200;
    res.setHeader('Content-Type', contentTypeOf(file));
    res.setHeader('Content-Length', stat.size);
    res.setHeader('Cache-Control', cacheControlOf(file));
    if (file.endsWith('index.html')) res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    if (req.method === 'HEAD') return void res.end();
    fs.createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  });
}

function plain(res: http.ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(`${text}\n`);
}
