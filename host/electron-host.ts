import * as z from 'zod';
import { startLab, type Lab } from './lab/lab.ts';
import { labVendors } from './lab/vendors.ts';
import { createHost, type Host, type HostOptions, type TriggerSourceDeps } from './host.ts';
import { startHostWebhooks } from './triggers/webhooks/host-webhooks.ts';
import { DEFAULT_HOOKS_PORT } from './triggers/webhooks/listener.ts';
import type { EventFrame, ServerFrame } from './protocol/contract.ts';
import { dispatch } from './protocol/dispatch.ts';
import { oneLineMessage } from './protocol/host-error.ts';
import { encodeFrame, MAX_FRAME_BYTES } from './server/server.ts';
import { KEY_BYTES, type KeyProvider } from './vault/key-provider.ts';

/**
 * The host in the desktop app (DESIGN.md §1): the entry Electron's main forks as a
 * `utilityProcess`. It is plain Node: main sends it the workspace and the vault key over the
 * parent port, then one MessagePort per renderer connection; each port carries the same JSON
 * frames as the browser's WebSocket, answered with `dispatch`, and every host event is pushed.
 */

/** A MessagePortMain as this file uses it (Electron's, or a test's stand-in). */
export interface HostPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

/** `process.parentPort` of a utility process, as this file uses it. */
export interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown; ports: readonly HostPort[] }) => void): unknown;
  postMessage(message: unknown): void;
}

const Protection = z.enum(['safe-storage', 'key-file', 'environment', 'plain-text-fallback']);

/** main → host, first: where the workspace is, the vault key (base64) and how it is protected. */
export const InitMessage = z.strictObject({
  type: z.literal('init'),
  workspace: z.string().min(1),
  key: z.string().refine((text) => Buffer.from(text, 'base64').length === KEY_BYTES, `the vault key must be base64 of ${KEY_BYTES} bytes`),
  vault: z.strictObject({ protection: Protection, detail: z.string().max(1_000) }),
  lab: z.boolean(),
});
export type InitMessage = z.infer<typeof InitMessage>;

/** main → host: a renderer connection (its port rides in the transfer list), or time to stop. */
export const ControlMessage = z.discriminatedUnion('type', [z.strictObject({ type: z.literal('connect') }), z.strictObject({ type: z.literal('shutdown') })]);
export type ControlMessage = z.infer<typeof ControlMessage>;

/** host → main: ready (with the hosts of the connectors' documentation, for main's link allowlist), failed, or stopped. */
export type HostReport = { type: 'ready'; docsHosts: string[] } | { type: 'failed'; message: string } | { type: 'stopped' };

/** Seams for tests. */
export interface ElectronHostDeps {
  createHost?: (options: HostOptions) => Promise<Host>;
  startLab?: () => Promise<Lab>;
  /** Called once the host has closed after `shutdown` (the real process exits). */
  exit?: (code: number) => void;
  log?: (line: string) => void;
}

/**
 * The vault key main decrypted, as a KeyProvider; the kind is safeStorage's unless it was the
 * workspace's key file, and the protection is the shell's word (it knows a keyring-less Linux).
 */
function fixedKeyProvider(init: InitMessage): KeyProvider {
  const key = Buffer.from(init.key, 'base64');
  const kind = init.vault.protection === 'key-file' || init.vault.protection === 'environment' ? init.vault.protection : 'safe-storage';
  return { kind, protection: init.vault.protection, detail: init.vault.detail, getKey: async () => key };
}

/** Hosts of the connectors' `docsUrl`s (https only): the external links main may open. */
export function docsHosts(host: Host): string[] {
  const hosts = new Set<string>();
  for (const entry of host.context.catalogue) {
    try {
      const parsed = new URL(entry.docsUrl);
      if (parsed.protocol === 'https:') hosts.add(parsed.hostname);
    } catch {
      continue;
    }
  }
  return [...hosts].sort();
}

/** Serves one renderer connection on `port` until it closes. */
export function servePort(port: HostPort, host: Host, log: (line: string) => void): void {
  let open = true;
  const send = (frame: ServerFrame): void => {
    if (!open) return;
    const text = encodeFrame(frame);
    if (text !== undefined) port.postMessage(text);
  };
  const unsubscribe = host.subscribe((frame: EventFrame) => send(frame));
  port.on('message', ({ data }) => {
    if (typeof data !== 'string') return send({ id: null, error: { code: 'BAD_FRAME', message: 'frames must be text (JSON)' } });
    if (Buffer.byteLength(data) > MAX_FRAME_BYTES) return send({ id: null, error: { code: 'BAD_FRAME', message: `frames must be at most ${MAX_FRAME_BYTES} bytes` } });
    void dispatch(data, host.context, (name, err) => log(`switchboard host: ${name} failed: ${oneLineMessage(err)}`)).then(send);
  });
  port.on('close', () => {
    open = false;
    unsubscribe();
  });
  port.start();
}

/** Where the desktop's webhook listener binds: loopback, the default port (a free one when taken). */
const DESKTOP_HOOKS = { host: '127.0.0.1', port: DEFAULT_HOOKS_PORT, explicitPort: false };

/**
 * Runs the host on a parent port: waits for `init`, opens the host (and the lab when asked),
 * serves every port main sends (ports that arrive while it opens wait), and on `shutdown` stops
 * live runs so their journals end cleanly. Reports `ready` or `failed` to main.
 */
export function runElectronHost(parent: ParentPort, deps: ElectronHostDeps = {}): void {
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let host: Host | undefined;
  let lab: Lab | undefined;
  let init: InitMessage | undefined;
  let stopping = false;
  const waiting: HostPort[] = [];

  const start = async (message: InitMessage): Promise<void> => {
    try {
      lab = message.lab ? await (deps.startLab ?? (() => startLab(labVendors)))() : undefined;
      // The desktop runs the same webhook listener as serve, on the documented port (DESIGN.md §10).
      const triggerSources = async (sourceDeps: TriggerSourceDeps) => [await startHostWebhooks(sourceDeps, DESKTOP_HOOKS)];
      host = await (deps.createHost ?? createHost)({ workspaceDir: message.workspace, keyProvider: fixedKeyProvider(message), triggerSources, log, ...(lab ? { lab } : {}) });
    } catch (err) {
      await lab?.close();
      parent.postMessage({ type: 'failed', message: oneLineMessage(err) } satisfies HostReport);
      return;
    }
    parent.postMessage({ type: 'ready', docsHosts: docsHosts(host) } satisfies HostReport);
    for (const port of waiting.splice(0)) servePort(port, host, log);
  };

  const stop = async (): Promise<void> => {
    stopping = true;
    try {
      await host?.close();
      await lab?.close();
    } finally {
      parent.postMessage({ type: 'stopped' } satisfies HostReport);
      (deps.exit ?? ((code: number) => process.exit(code)))(0);
    }
  };

  parent.on('message', ({ data, ports }) => {
    if (init === undefined) {
      const parsed = InitMessage.safeParse(data);
      if (!parsed.success) return log('switchboard host: the first message from main was not a valid init; ignored');
      init = parsed.data;
      void start(init);
      return;
    }
    const control = ControlMessage.safeParse(data);
    if (!control.success) return log('switchboard host: main sent a message it does not understand; ignored');
    if (control.data.type === 'shutdown') return void stop();
    if (stopping) return ports.forEach((port) => port.close());
    for (const port of ports) {
      if (host !== undefined) servePort(port, host, log);
      else waiting.push(port);
    }
  });
}

/** In a utility process (never in tests or the CLI), `process.parentPort` is the link to main. */
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (parentPort !== undefined) runElectronHost(parentPort);
