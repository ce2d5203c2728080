import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runElectronHost, type HostPort, type HostReport, type InitMessage, type ParentPort } from '../../host/electron-host.ts';
import type { ServerFrame } from '../../host/protocol/contract.ts';

/**
 * The host's utility-process entry, in-process: a fake parent port stands for Electron's
 * `process.parentPort`, and Node's MessageChannel for MessageChannelMain.
 */

/** Node's MessagePort, shaped like Electron's MessagePortMain (`message` events carry `{ data }`). */
function asHostPort(port: MessagePort): HostPort {
  return {
    on: (event: 'message' | 'close', listener: (value: { data: unknown }) => void) =>
      event === 'message' ? port.on('message', (data: unknown) => listener({ data })) : port.on('close', () => (listener as () => void)()),
    postMessage: (message) => port.postMessage(message),
    start: () => port.start(),
    close: () => port.close(),
  } as HostPort;
}

/** A renderer on the other end: sends frames, collects what comes back. */
function renderer(port: MessagePort) {
  const frames: ServerFrame[] = [];
  const raw: unknown[] = [];
  port.on('message', (data: unknown) => {
    raw.push(data);
    if (typeof data === 'string') frames.push(JSON.parse(data) as ServerFrame);
  });
  let nextId = 1;
  return {
    frames,
    raw,
    send: (text: unknown) => port.postMessage(text),
    async call(method: string, params: unknown = {}): Promise<ServerFrame> {
      const id = nextId++;
      port.postMessage(JSON.stringify({ id, method, params }));
      return waitFor(() => frames.find((frame) => 'id' in frame && frame.id === id));
    },
    close: () => port.close(),
  };
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function parentPort() {
  const emitter = new EventEmitter();
  const reports: HostReport[] = [];
  const port: ParentPort & { send(data: unknown, ports?: HostPort[]): void } = {
    on: (event, listener) => emitter.on(event, listener),
    postMessage: (message) => reports.push(message as HostReport),
    send: (data, ports = []) => emitter.emit('message', { data, ports }),
  };
  return { port, reports };
}

let workspace: string;
let shipped: string;
let exits: number[];
const channels: MessageChannel[] = [];

function init(overrides: Partial<InitMessage> = {}): InitMessage {
  return { type: 'init', workspace, key: randomBytes(32).toString('base64'), vault: { protection: 'plain-text-fallback', detail: 'no keyring' }, lab: false, ...overrides };
}

function connect(parent: ReturnType<typeof parentPort>['port']) {
  const channel = new MessageChannel();
  channels.push(channel);
  parent.send({ type: 'connect' }, [asHostPort(channel.port1)]);
  return renderer(channel.port2);
}

beforeEach(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-electron-host-'));
  shipped = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-shipped-'));
  exits = [];
});

afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.rmSync(shipped, { recursive: true, force: true });
});

/** Starts the host on a fake parent port with an empty shipped folder. */
async function startHost(message: InitMessage = init()) {
  const { port, reports } = parentPort();
  const { createHost } = await import('../../host/host.ts');
  runElectronHost(port, { createHost: (options) => createHost({ ...options, shippedDir: shipped }), exit: (code) => exits.push(code), log: () => undefined });
  port.send(message);
  return { port, reports };
}

describe('the host in a utility process', () => {
  it('opens the workspace, reports ready with the connectors’ docs hosts, and answers over a port', async () => {
    const { port, reports } = await startHost();
    const page = connect(port);
    const info = await page.call('host.info');
    expect(reports[0]).toMatchObject({ type: 'ready' });
    const ready = reports[0] as Extract<HostReport, { type: 'ready' }>;
    expect(ready.docsHosts).toContain('docs.virustotal.com');
    expect(ready.docsHosts.every((host) => !host.includes('/'))).toBe(true);
    expect(info).toMatchObject({ result: { workspace, vault: { protection: 'plain-text-fallback', detail: 'no keyring' } } });
  });

  it('serves ports that arrive while the host is still opening', async () => {
    const { port } = parentPort();
    runElectronHost(port, { exit: () => undefined, log: () => undefined });
    port.send(init());
    const early = connect(port);
    expect((await early.call('playbooks.list')) as unknown).toMatchObject({ result: { playbooks: expect.any(Array) } });
  });

  it('pushes host events to every connected port', async () => {
    const { port } = await startHost();
    const a = connect(port);
    const b = connect(port);
    await a.call('playbooks.create', { name: 'Block IP' });
    await waitFor(() => b.frames.find((frame) => 'event' in frame && frame.event === 'playbooks.changed'));
  });

  it('answers bad frames with an error frame, never a crash', async () => {
    const { port } = await startHost();
    const page = connect(port);
    page.send('{ not json');
    page.send({ id: 1, method: 'host.info' });
    page.send(JSON.stringify({ id: 7, method: 'no.such.method', params: {} }));
    await waitFor(() => (page.frames.length >= 3 ? true : undefined));
    expect(page.frames).toEqual(
      expect.arrayContaining([
        { id: null, error: expect.objectContaining({ code: 'BAD_FRAME' }) },
        { id: null, error: { code: 'BAD_FRAME', message: 'frames must be text (JSON)' } },
        { id: 7, error: expect.objectContaining({ code: 'UNKNOWN_METHOD' }) },
      ]),
    );
    expect((await page.call('host.info')) as unknown).toMatchObject({ result: { version: expect.any(String) } });
  });

  it('reports failed when the vault key does not open the workspace’s vault', async () => {
    const first = await startHost();
    const page = connect(first.port);
    await page.call('credentials.save', { name: 'VT', connector: 'virustotal', values: { apiKey: 'x' } });
    const second = await startHost(init());
    await waitFor(() => second.reports[0]);
    expect(second.reports[0]).toMatchObject({ type: 'failed', message: expect.stringMatching(/does not open this vault/) });
  });

  it('ignores a first message that is not a valid init (a short key)', async () => {
    const { port, reports } = parentPort();
    runElectronHost(port, { exit: () => undefined, log: () => undefined });
    port.send({ ...init(), key: Buffer.alloc(8).toString('base64') });
    port.send({ type: 'connect' }, []);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reports).toEqual([]);
  });

  it('stops its runs on shutdown, reports stopped and exits 0', async () => {
    const { port, reports } = await startHost();
    const page = connect(port);
    await page.call('host.info');
    port.send({ type: 'shutdown' });
    await waitFor(() => reports.find((report) => report.type === 'stopped'));
    expect(exits).toEqual([0]);
  });
});
