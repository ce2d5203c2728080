import type { RequestFrame } from '../../host/protocol/contract.ts';
import { socketProtocols, TOKEN_REFUSED_CODE } from '../../host/protocol/socket-token.ts';
import { parseServerFrame, type Transport, type TransportListener } from './client.ts';

/** `WebSocket.OPEN`, spelt out so tests can inject a socket where no WebSocket global exists. */
const OPEN = 1;

export interface WebSocketTransportOptions {
  /** The editor token, offered as a subprotocol on every (re)connection; never put in the URL. */
  token: string;
  /** Full ws(s) URL; defaults to `/ws` on this page's host. */
  url?: string;
  /** First reconnect delay; doubles per failed attempt up to `maxDelayMs`. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Told once when the host refuses the token (close 4401); the transport then stops reconnecting. */
  onRefused?: (reason: string) => void;
  /** Injected for tests. */
  createSocket?: (url: string, protocols: string[]) => WebSocket;
}

/** The host's WebSocket URL for this page: same host, `/ws`. */
export function hostSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws`;
}

/**
 * The browser transport: one WebSocket to `switchboard serve`, reconnected with exponential
 * backoff and jitter. Requests sent while (re)connecting wait in a queue; a drop reports
 * `disconnected` so the client fails the calls in flight instead of leaving them hanging. A
 * refused token ends it: retrying the same token cannot succeed.
 */
export function createWebSocketTransport(options: WebSocketTransportOptions): Transport {
  const url = options.url ?? hostSocketUrl(window.location);
  const protocols = socketProtocols(options.token);
  const minDelay = options.minDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 10_000;
  const createSocket = options.createSocket ?? ((target: string, offered: string[]) => new WebSocket(target, offered));
  let socket: WebSocket | undefined;
  let listener: TransportListener | undefined;
  let queue: string[] = [];
  let attempts = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const connect = (): void => {
    const current = createSocket(url, protocols);
    socket = current;
    current.onopen = () => {
      attempts = 0;
      listener?.connected();
      const waiting = queue;
      queue = [];
      for (const text of waiting) current.send(text);
    };
    current.onmessage = (message: MessageEvent) => {
      const frame = parseServerFrame(message.data);
      if (frame !== undefined) listener?.frame(frame);
    };
    current.onclose = (event: CloseEvent) => {
      if (socket !== current) return;
      socket = undefined;
      queue = [];
      const reason = closeReason(event);
      listener?.disconnected(reason);
      if (event.code === TOKEN_REFUSED_CODE && !closed) {
        closed = true;
        options.onRefused?.(reason);
      }
      if (!closed) scheduleReconnect();
    };
  };

  const scheduleReconnect = (): void => {
    const ceiling = Math.min(maxDelay, minDelay * 2 ** attempts);
    attempts++;
    timer = setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
  };

  return {
    send(frame: RequestFrame): void {
      const text = JSON.stringify(frame);
      if (socket !== undefined && socket.readyState === OPEN) socket.send(text);
      else if (!closed) queue.push(text);
      else throw new Error('the connection to the host is closed.');
    },
    open(next: TransportListener): () => void {
      listener = next;
      connect();
      return () => {
        closed = true;
        clearTimeout(timer);
        const current = socket;
        socket = undefined;
        current?.close(1000, 'closed by the app');
      };
    },
  };
}

function closeReason(event: CloseEvent): string {
  if (event.reason !== '') return event.reason;
  if (event.code === 1006) return 'the host is not reachable';
  return `closed with code ${event.code}`;
}
