import fs from 'node:fs';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { startLab, type Lab } from '../../lab/lab.ts';
import { labVendors } from '../../lab/vendors.ts';
import { createHost, type Host, type HostOptions, type TriggerSourceDeps } from '../host.ts';
import type { ServerFrame } from '../protocol/contract.ts';
import { dispatch } from '../protocol/dispatch.ts';
import { oneLineMessage } from '../protocol/host-error.ts';
import { SOCKET_PROTOCOL, TOKEN_REFUSED_CODE } from '../protocol/socket-token.ts';
import { checkRequest, checkSocketToken, newToken } from './request-guard.ts';
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
}

/** A running server: its URL with the token, and how to stop it. */
export interface RunningServer {
  url: string;
  port: number;
  token: string;
  host: Host;
  lab: Lab | undefined;
  /** `http://127.0.0.1:<port>/hooks/` when the webhook listener runs. */
  hooksUrl?: string;
  close(): Promise<void>;
}

/**
 * The browser transport of DESIGN.md §1: the built renderer and the WebSocket at `/ws` on
 * 127.0.0.1 only, behind Host and Origin checks; the socket also needs the per-start token, as a
 * subprotocol. No cookie is ever set: cookies ignore ports, so every local server would get it.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const rendererDir = options.rendererDir ?? DEFAULT_RENDERER_DIR;
  const token = newToken();
  const lab = options.lab ? await startLab(labVendors) : undefined;
  let host: Host;
  let hooks: WebhookSource | undefined;
  const hooksAt = options.hooks;
  const triggerSources = hooksAt ? async (deps: TriggerSourceDeps) => [(hooks = await startHostWebhooks(deps, hooksAt))] : options.host?.triggerSources;
  try {
    host = await createHost({ log, ...options.host, workspaceDir: options.workspace, ...(lab ? { lab } : {}), ...(triggerSources ? { triggerSources } : {}) });
  } catch (err) {
    await lab?.close();
    throw err;
  }

  let port = 0;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    handleProtocols: (offered: Set<string>) => (offered.has(SOCKET_PROTOCOL) ? SOCKET_PROTOCOL : false),
  });
  const server = http.createServer((req, res) => serveHttp(req, res, { port, rendererDir }));
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/ws') return refuseUpgrade(socket, 404, 'not found');
    const verdict = checkRequest(req.headers, port);
    if (!verdict.ok) return refuseUpgrade(socket, verdict.status, verdict.reason);
    const tokenVerdict = checkSocketToken(req.headers, token);
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (tokenVerdict.ok) return connect(ws, host, log);
      // A browser cannot read a refused upgrade's status: close in-band, before reading any frame.
      ws.on('error', () => ws.terminate());
      ws.close(TOKEN_REFUSED_CODE, tokenVerdict.reason);
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  try {
    port = await listen(server, options.port);
  } catch (err) {
    await host.close();
    await lab?.close();
    throw err;
  }
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

  return { url: `http://127.0.0.1:${port}/?token=${token}`, port, token, host, lab, ...(hooks ? { hooksUrl: hooks.url } : {}), close };
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
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

/** One WebSocket client: each text frame is a request answered by id; every host event is pushed. */
function connect(ws: WebSocket, host: Host, log: (line: string) => void): void {
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
    void dispatch(textOf(data), host.context, (method, err) => log(`switchboard: ${method} failed: ${oneLineMessage(err)}`)).then(send);
  });
  ws.on('close', unsubscribe);
  ws.on('error', () => ws.terminate());
}

/** Answers an upgrade the guard refused, on the raw socket, and closes it. */
function refuseUpgrade(socket: Duplex, status: 403 | 404, reason: string): void {
  const text = status === 403 ? 'Forbidden' : 'Not Found';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(reason) + 1}\r\n\r\n${reason}\n`);
}

/** Serves the renderer: Host and Origin first (no token: the build holds no secret), then the file with its type, the CSP on the page. */
function serveHttp(req: http.IncomingMessage, res: http.ServerResponse, config: { port: number; rendererDir: string }): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const verdict = checkRequest(req.headers, config.port);
  if (!verdict.ok) return plain(res, verdict.status, verdict.reason);
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
