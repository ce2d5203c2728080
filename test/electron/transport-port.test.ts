import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../host/protocol/contract.ts';
import { RpcClient } from '../../renderer/rpc/client.ts';
import { createMessagePortTransport, desktopShell, type PortLike, type PortWindow } from '../../renderer/rpc/transport-port.ts';

/** A page window whose message listeners the test drives. */
function fakePage(origin = 'app://switchboard') {
  const listeners = new Set<Parameters<PortWindow['addEventListener']>[1]>();
  const page: PortWindow & { deliver(data: unknown, ports: PortLike[], from?: { source?: unknown; origin?: string }): void; listening(): number } = {
    location: { origin },
    addEventListener: (_type, listener) => void listeners.add(listener),
    removeEventListener: (_type, listener) => void listeners.delete(listener),
    deliver(data, ports, from = {}) {
      for (const listener of listeners) listener({ data, ports, source: from.source ?? page, origin: from.origin ?? origin });
    },
    listening: () => listeners.size,
  };
  return page;
}

/** One end of a port whose other end is a host answering every request. */
function hostPort(answer: (request: { id: number; method: string }) => ServerFrame | undefined) {
  const port: PortLike & { sent: string[]; closed: boolean; reply(frame: ServerFrame): void } = {
    onmessage: null,
    sent: [],
    closed: false,
    postMessage(text) {
      port.sent.push(text);
      const frame = answer(JSON.parse(text) as { id: number; method: string });
      if (frame !== undefined) queueMicrotask(() => port.onmessage?.({ data: JSON.stringify(frame) }));
    },
    start() {},
    close() {
      port.closed = true;
    },
    reply(frame) {
      port.onmessage?.({ data: JSON.stringify(frame) });
    },
  };
  return port;
}

function shell() {
  let connects = 0;
  return { connect: () => void connects++, connects: () => connects };
}

describe('the MessagePort transport', () => {
  it('asks the shell for a port, queues calls until it comes, then carries them', async () => {
    const page = fakePage();
    const desktop = shell();
    const client = new RpcClient();
    client.connect(createMessagePortTransport(desktop, page));
    expect(desktop.connects()).toBe(1);
    const answer = client.call('host.info', {});
    const port = hostPort((request) => ({ id: request.id, result: { version: '9' } }));
    page.deliver('switchboard:port', [port]);
    await expect(answer).resolves.toEqual({ version: '9' });
    expect(client.state).toBe('open');
  });

  it('ignores window messages that are not the preload’s port handoff', () => {
    const page = fakePage();
    const client = new RpcClient();
    client.connect(createMessagePortTransport(shell(), page));
    const port = hostPort(() => undefined);
    page.deliver('something else', [port]);
    page.deliver('switchboard:port', [port], { source: {} });
    page.deliver('switchboard:port', [port], { origin: 'https://evil.example' });
    page.deliver('switchboard:port', []);
    expect(client.state).toBe('connecting');
  });

  it('delivers host events', async () => {
    const page = fakePage();
    const client = new RpcClient();
    client.connect(createMessagePortTransport(shell(), page));
    const port = hostPort(() => undefined);
    page.deliver('switchboard:port', [port]);
    const seen: unknown[] = [];
    client.on('playbooks.changed', (payload) => seen.push(payload));
    port.reply({ event: 'playbooks.changed', payload: { id: 'x' } });
    expect(seen).toEqual([{ id: 'x' }]);
  });

  it('treats a new port as a host restart: calls in flight fail, new calls go to the new host', async () => {
    const page = fakePage();
    const client = new RpcClient();
    const states: string[] = [];
    client.onState((state) => states.push(state));
    client.connect(createMessagePortTransport(shell(), page));
    const first = hostPort(() => undefined);
    page.deliver('switchboard:port', [first]);
    const lost = client.call('runs.list', {});
    const second = hostPort((request) => ({ id: request.id, result: { runs: [] } }));
    page.deliver('switchboard:port', [second]);
    await expect(lost).rejects.toMatchObject({ code: 'DISCONNECTED', message: expect.stringContaining('the host restarted') });
    expect(first.closed).toBe(true);
    await expect(client.call('runs.list', {})).resolves.toEqual({ runs: [] });
    expect(states).toEqual(['connecting', 'open', 'connecting', 'open']);
  });

  it('closes the port and stops listening when the client disconnects', () => {
    const page = fakePage();
    const client = new RpcClient();
    client.connect(createMessagePortTransport(shell(), page));
    const port = hostPort(() => undefined);
    page.deliver('switchboard:port', [port]);
    client.disconnect();
    expect(port.closed).toBe(true);
    expect(page.listening()).toBe(0);
  });

  it('finds the shell only where the preload exposed it', () => {
    expect(desktopShell({})).toBeUndefined();
    expect(desktopShell({ switchboard: { connect: 1 } })).toBeUndefined();
    const api = { connect() {}, onMenu: () => () => undefined, openPlaybookFile: async () => null, savePlaybookFile: async () => null };
    expect(desktopShell({ switchboard: api })).toBe(api);
  });
});
