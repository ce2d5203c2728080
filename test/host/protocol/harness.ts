import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import WebSocket from 'ws';
import type { RunEvent } from '../../../engine/run/events.ts';
import type { MethodName, ParamsOf, ResultOf } from '../../../host/protocol/contract.ts';
import { socketProtocols } from '../../../host/protocol/socket-token.ts';
import { startServer, type RunningServer, type ServerOptions } from '../../../host/server/server.ts';
import { environmentKeyProvider } from '../../../host/vault/key-provider.ts';
import { chainPlaybook } from '../../support/chain-playbook.ts';
import { sendJson, startTestServer as startHttpServer, type TestServer } from '../../support/http-server.ts';

/** A fresh temporary folder. */
export function tempDir(prefix = 'switchboard-host-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A fake built renderer: index.html, a hashed script and a stylesheet. */
export function writeRenderer(dir: string): string {
  fs.mkdirSync(path.join(dir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Switchboard</title><script type="module" src="./assets/index-abcdef12.js"></script>');
  fs.writeFileSync(path.join(dir, 'assets', 'index-abcdef12.js'), 'console.log("switchboard");');
  fs.writeFileSync(path.join(dir, 'assets', 'style.css'), 'body { margin: 0 }');
  return dir;
}

/** trigger → approval → set on approved. */
export const APPROVAL = chainPlaybook(
  'approve',
  [
    { id: 'start', type: 'trigger.manual@1' },
    { id: 'ask', type: 'core.approval@1', params: { prompt: 'Block it?' } },
    { id: 'done', type: 'core.set@1', params: { values: { blocked: true } } },
  ],
  {},
  [
    { from: 'start', port: 'out', to: 'ask' },
    { from: 'ask', port: 'approved', to: 'done' },
  ],
);

/** trigger → find_host → host_details, both reading CrowdStrike through the slot `edr`: a playbook the lab can serve. */
export const EDR_CHECK = chainPlaybook(
  'edr-check',
  [
    { id: 'start', type: 'trigger.manual@1', params: { sample: { host: 'WS-ALICE-01' } } },
    { id: 'find_host', type: 'crowdstrike.find_hosts@1', params: { filter: "hostname:'{{ trigger.host }}'" }, credential: 'edr' },
    { id: 'host_details', type: 'crowdstrike.host_details@1', params: { ids: '{{ nodes.find_host.output.device_id }}' }, credential: 'edr' },
  ],
  { credentials: { edr: { connector: 'crowdstrike' } } },
);

/** Writes playbooks as a "shipped" folder to seed workspaces from. */
export function writeShipped(dir: string, playbooks: readonly { id: string }[]): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const playbook of playbooks) fs.writeFileSync(path.join(dir, `${playbook.id}.playbook.json`), JSON.stringify(playbook, null, 2));
  return dir;
}

/** A random vault key in the environment provider, so tests never touch a real key file. */
export function testKeyProvider() {
  return environmentKeyProvider({ SWITCHBOARD_VAULT_KEY: randomBytes(32).toString('base64') });
}

/** Starts a real server on 127.0.0.1, port 0, over a temp workspace seeded from `shipped`. */
export async function startTestServer(options: { shipped: string; workspace?: string; lab?: boolean } & Partial<ServerOptions>): Promise<RunningServer> {
  const { shipped, workspace, lab, rendererDir, ...rest } = options;
  return startServer({
    port: 0,
    workspace: workspace ?? tempDir(),
    lab: lab ?? false,
    rendererDir: rendererDir ?? writeRenderer(tempDir('switchboard-renderer-')),
    host: { shippedDir: shipped, keyProvider: testKeyProvider() },
    log: () => undefined,
    ...rest,
  });
}

/** Where a protocol test file's server gets its playbooks and workspace (default: a fresh folder). */
export interface ProtocolSetup {
  shipped: string;
  workspace?: string;
  lab?: boolean;
}

/** The accessors `useProtocolServer` returns; call them inside tests (the server starts in `beforeAll`). */
export interface ProtocolServerFixture {
  server(): RunningServer;
  /** A client connected once for the whole file. */
  client(): TestClient;
  /** The workspace folder the server opened. */
  workspace(): string;
}

/**
 * Registers a protocol test file's hooks: `setup` picks the shipped folder and workspace, making
 * its folders with `dir()`; then the server starts and a client connects (`beforeAll`). Afterwards
 * both close and every folder, the fake renderer's included, is removed (`afterAll`).
 */
export function useProtocolServer(setup: (dir: () => string) => ProtocolSetup): ProtocolServerFixture {
  const dirs: string[] = [];
  let server: RunningServer | undefined;
  let client: TestClient | undefined;
  let workspace: string | undefined;
  const dir = (prefix?: string): string => {
    const made = tempDir(prefix);
    dirs.push(made);
    return made;
  };

  beforeAll(async () => {
    const options = setup(dir);
    workspace = options.workspace ?? dir();
    server = await startTestServer({ ...options, workspace, rendererDir: writeRenderer(dir('switchboard-renderer-')) });
    client = await connect(server);
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
    for (const made of dirs) fs.rmSync(made, { recursive: true, force: true });
  });

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the protocol ${what} is not ready: use it inside a test`);
    return value;
  };
  return {
    server: () => need(server, 'server'),
    client: () => need(client, 'client'),
    workspace: () => need(workspace, 'workspace'),
  };
}

/** An error answer from the host. */
export class CallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A protocol client over a real WebSocket, recording every frame it receives as text. */
export interface TestClient {
  ws: WebSocket;
  /** Every frame received, as sent. */
  frames: string[];
  events: RunEvent[];
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  /** Sends raw text and resolves with the next answer whose id is `id` (null for unattributable ones). */
  raw(text: string | Buffer, id?: number | null): Promise<{ id: number | null; result?: unknown; error?: { code: string; message: string } }>;
  waitForEvent(predicate: (event: RunEvent) => boolean, timeoutMs?: number): Promise<RunEvent>;
  close(): Promise<void>;
}

/**
 * Opens a WebSocket to the server's /ws presenting the token as the page does, in the
 * subprotocols (unless told otherwise: `token: null` offers none, `path` adds a query).
 */
export function openSocket(server: RunningServer, options: { token?: string | null; headers?: Record<string, string>; path?: string } = {}): WebSocket {
  const token = options.token === undefined ? server.token : options.token;
  const protocols = token === null ? [] : socketProtocols(token);
  return new WebSocket(`ws://127.0.0.1:${server.port}${options.path ?? '/ws'}`, protocols, { headers: options.headers });
}

/** What became of a socket that asked `host.info` as soon as it opened: the answer, or how it was closed or refused. */
export type SocketOutcome = { answer: Record<string, unknown>; protocol: string } | { closed: number; reason: string } | { refused: number };

/** Asks `host.info` on open and reports the first thing that happens: an answer, a close, or a refused upgrade. */
export function socketOutcome(ws: WebSocket): Promise<SocketOutcome> {
  return new Promise((resolve) => {
    ws.once('open', () => ws.send(JSON.stringify({ id: 1, method: 'host.info', params: {} })));
    ws.once('message', (data) => {
      resolve({ answer: JSON.parse(data.toString()) as Record<string, unknown>, protocol: ws.protocol });
      ws.close();
    });
    ws.once('close', (code, reason) => resolve({ closed: code, reason: reason.toString() }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 });
      res.resume();
    });
    ws.on('error', () => undefined);
  });
}

/** Resolves with the HTTP status an upgrade was refused with, or 101 when it was accepted. */
export function upgradeStatus(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.on('error', () => resolve(0));
  });
}

/** The HTTP headers an upgrade was answered with, whether accepted (101) or refused. */
export function upgradeHeaders(ws: WebSocket): Promise<http.IncomingHttpHeaders> {
  return new Promise((resolve) => {
    ws.once('upgrade', (res) => resolve(res.headers));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.headers);
      res.resume();
    });
    ws.once('open', () => ws.close());
    ws.on('error', () => undefined);
  });
}

/** Connects a recording client. */
export async function connect(server: RunningServer): Promise<TestClient> {
  const ws = openSocket(server);
  const frames: string[] = [];
  const events: RunEvent[] = [];
  const waiting = new Map<number | null, Array<(frame: Record<string, unknown>) => void>>();
  const eventWaiters = new Set<() => void>();
  let nextId = 1;
  ws.on('message', (data) => {
    const text = data.toString();
    frames.push(text);
    const frame = JSON.parse(text) as Record<string, unknown>;
    if ('event' in frame) {
      if (frame['event'] === 'run.event') events.push(frame['payload'] as RunEvent);
      for (const wake of [...eventWaiters]) wake();
      return;
    }
    const id = frame['id'] as number | null;
    const queue = waiting.get(id);
    const resolve = queue?.shift();
    if (resolve) resolve(frame);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const answer = (id: number | null) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const queue = waiting.get(id) ?? [];
      queue.push(resolve);
      waiting.set(id, queue);
    });
  return {
    ws,
    frames,
    events,
    async call(method, params) {
      const id = nextId++;
      const pending = answer(id);
      ws.send(JSON.stringify({ id, method, params }));
      const frame = await pending;
      const error = frame['error'] as { code: string; message: string } | undefined;
      if (error) throw new CallError(error.code, error.message);
      return frame['result'] as never;
    },
    async raw(text, id = null) {
      const pending = answer(id);
      ws.send(text);
      return (await pending) as never;
    },
    waitForEvent(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (found === undefined) return false;
          eventWaiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          eventWaiters.delete(check);
          reject(new Error(`no matching run event within ${timeoutMs} ms; got ${events.map((e) => e.type).join(', ')}`));
        }, timeoutMs);
        if (!check()) eventWaiters.add(check);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === ws.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
}

/** A plain HTTP GET with chosen headers; resolves with status, headers and body. */
export function httpGet(port: number, pathAndQuery: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathAndQuery, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

/** A loopback HTTP server that answers every request with its method, path and headers as JSON. */
export function startEchoServer(): Promise<TestServer> {
  return startHttpServer((request, res) => sendJson(res, 200, { method: request.method, path: request.url, headers: request.headers }));
}
