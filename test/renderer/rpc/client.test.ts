import { afterEach, describe, expect, it, vi } from 'vitest';
import { RpcClient, RpcError } from '../../../renderer/rpc/client.ts';
import { createFakeTransport } from '../../../renderer/rpc/fake-transport.ts';
import { createWebSocketTransport, hostSocketUrl } from '../../../renderer/rpc/transport-ws.ts';

afterEach(() => vi.useRealTimers());

describe('rpc client', () => {
  it('calls a method with a fresh id and resolves with its result', async () => {
    const transport = createFakeTransport({ 'playbooks.list': () => ({ playbooks: [] }) });
    const client = new RpcClient();
    client.connect(transport);
    await expect(client.call('playbooks.list', {})).resolves.toEqual({ playbooks: [] });
    await client.call('playbooks.list', {});
    expect(transport.sent.map((frame) => frame.id)).toEqual([1, 2]);
  });

  it('rejects with the host error code and a one-line message', async () => {
    const client = new RpcClient();
    client.connect(createFakeTransport({ 'playbooks.get': () => Promise.reject({ code: 'NOT_FOUND', message: 'No playbook\nnamed x.' }) }));
    const error = await client.call('playbooks.get', { id: 'x' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'No playbook named x.' });
  });

  it('times out a call the host never answers', async () => {
    vi.useFakeTimers();
    const client = new RpcClient(1_000);
    client.connect({ send: () => undefined, open: () => () => undefined });
    const call = client.call('host.info', {});
    vi.advanceTimersByTime(1_000);
    await expect(call).rejects.toMatchObject({ code: 'TIMEOUT', message: 'host.info got no answer from the host within 1 s.' });
  });

  it('fails calls in flight when the link drops, and delivers events to listeners', async () => {
    const transport = createFakeTransport();
    const client = new RpcClient();
    client.connect({ ...transport, send: () => undefined });
    const call = client.call('host.info', {});
    const seen: unknown[] = [];
    const off = client.on('playbooks.changed', (payload) => seen.push(payload));
    transport.emit('playbooks.changed', { id: 'a' });
    off();
    transport.emit('playbooks.changed', { id: 'b' });
    transport.drop('socket closed');
    await expect(call).rejects.toMatchObject({ code: 'DISCONNECTED', message: 'host.info failed: the connection to the host was lost (socket closed).' });
    expect(seen).toEqual([{ id: 'a' }]);
  });

  it('refuses calls before any transport is attached', async () => {
    await expect(new RpcClient().call('host.info', {})).rejects.toMatchObject({ code: 'DISCONNECTED' });
  });
});

describe('websocket transport', () => {
  it('builds the socket URL from the page: scheme and host, no token', () => {
    expect(hostSocketUrl({ protocol: 'http:', host: '127.0.0.1:4000' })).toBe('ws://127.0.0.1:4000/ws');
    expect(hostSocketUrl({ protocol: 'https:', host: 'box' })).toBe('wss://box/ws');
  });

  it('offers the token as a subprotocol on every connection, and stops for good when the host refuses it (4401)', () => {
    vi.useFakeTimers();
    const sockets: Array<{ url: string; protocols: string[]; socket: FakeSocket }> = [];
    const refusals: string[] = [];
    const transport = createWebSocketTransport({ token: 'tok_en-1', url: 'ws://h/ws', minDelayMs: 100, onRefused: (reason) => refusals.push(reason), createSocket: (url, protocols) => {
      const socket = new FakeSocket();
      sockets.push({ url, protocols, socket });
      return socket as unknown as WebSocket;
    } });
    const events: string[] = [];
    transport.open({ frame: () => undefined, connected: () => events.push('up'), disconnected: (reason) => events.push(`down: ${reason}`) });
    sockets[0]?.socket.close(1006);
    vi.advanceTimersByTime(100);
    expect(sockets.map(({ url, protocols }) => ({ url, protocols }))).toEqual([
      { url: 'ws://h/ws', protocols: ['switchboard.v1', 'switchboard.token.tok_en-1'] },
      { url: 'ws://h/ws', protocols: ['switchboard.v1', 'switchboard.token.tok_en-1'] },
    ]);
    sockets[1]?.socket.open();
    sockets[1]?.socket.close(4401, 'wrong token: open the URL that switchboard serve printed');
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(2);
    expect(refusals).toEqual(['wrong token: open the URL that switchboard serve printed']);
    expect(events).toEqual(['down: the host is not reachable', 'up', 'down: wrong token: open the URL that switchboard serve printed']);
    expect(() => transport.send({ id: 1, method: 'host.info', params: {} })).toThrow('the connection to the host is closed.');
  });

  it('queues requests until open, reconnects after a drop, and reports the drop', async () => {
    vi.useFakeTimers();
    const sockets: FakeSocket[] = [];
    const transport = createWebSocketTransport({ token: 't', url: 'ws://h/ws', minDelayMs: 100, createSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket as unknown as WebSocket;
    } });
    const events: string[] = [];
    const close = transport.open({ frame: (frame) => events.push(JSON.stringify(frame)), connected: () => events.push('up'), disconnected: (reason) => events.push(`down: ${reason}`) });
    transport.send({ id: 1, method: 'host.info', params: {} });
    expect(sockets[0]?.sent).toEqual([]);
    sockets[0]?.open();
    expect(sockets[0]?.sent).toEqual(['{"id":1,"method":"host.info","params":{}}']);
    sockets[0]?.message('{"id":1,"result":{}}');
    sockets[0]?.close(1006);
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    sockets[1]?.open();
    close();
    expect(events).toEqual(['up', '{"id":1,"result":{}}', 'down: the host is not reachable', 'up']);
    expect(sockets[1]?.closed).toBe(true);
  });
});

class FakeSocket {
  readyState = 0;
  sent: string[] = [];
  closed = false;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  send(text: string) {
    this.sent.push(text);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  message(data: string) {
    this.onmessage?.({ data });
  }
  close(code = 1000, reason = '') {
    this.closed = true;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}
