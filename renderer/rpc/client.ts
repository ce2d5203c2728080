import type {
  EventName,
  EventPayload,
  MethodName,
  ParamsOf,
  ProtocolErrorCode,
  RequestFrame,
  ResultOf,
  ServerFrame,
} from '../../host/protocol/contract.ts';

/** What a transport reports to the client: frames from the host and connection changes. */
export interface TransportListener {
  frame(frame: ServerFrame): void;
  connected(): void;
  /** The link dropped; every call in flight is lost with it. */
  disconnected(reason: string): void;
}

/**
 * A way to reach the host (WebSocket in the browser, MessagePort in the desktop app). It moves
 * whole frames; the client above it owns ids, timeouts and errors.
 */
export interface Transport {
  /** Sends a request, or queues it until the link is up. */
  send(frame: RequestFrame): void;
  /** Starts delivering to `listener`; returns a function that stops it and closes the link. */
  open(listener: TransportListener): () => void;
}

/** A server frame from what the link delivered: undefined for non-text data, and for text that is not JSON (logged). */
export function parseServerFrame(data: unknown): ServerFrame | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    return JSON.parse(data) as ServerFrame;
  } catch {
    console.error('The host sent a frame that is not JSON; it was ignored.');
    return undefined;
  }
}

export type RpcErrorCode = ProtocolErrorCode | 'TIMEOUT' | 'DISCONNECTED';

/** A failed call: a short code for code, a one-line sentence for people. */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  constructor(
    readonly code: RpcErrorCode | (string & {}),
    message: string,
  ) {
    super(message);
  }
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(error: RpcError): void;
  timer: ReturnType<typeof setTimeout>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Typed request/response and event client over any `Transport`, typed from the host contract. */
export class RpcClient {
  private transport: Transport | undefined;
  private close: (() => void) | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<string, Set<(payload: never) => void>>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private current: ConnectionState = 'closed';

  constructor(private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {}

  /** Uses `transport` from now on (replacing any previous one, whose calls fail). */
  connect(transport: Transport): void {
    this.disconnect('the client switched to another connection');
    this.transport = transport;
    this.setState('connecting');
    this.close = transport.open({
      frame: (frame) => this.receive(frame),
      connected: () => this.setState('open'),
      disconnected: (reason) => {
        this.failAll(reason);
        if (this.transport === transport) this.setState('connecting');
      },
    });
  }

  /** Drops the transport; calls in flight fail with DISCONNECTED. */
  disconnect(reason = 'the client disconnected'): void {
    const close = this.close;
    this.close = undefined;
    this.transport = undefined;
    close?.();
    this.failAll(reason);
    this.setState('closed');
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** Calls a host method; rejects with an `RpcError` on an error answer, a timeout or a lost link. */
  call<M extends MethodName>(method: M, params: ParamsOf<M>, options: { timeoutMs?: number } = {}): Promise<ResultOf<M>> {
    const transport = this.transport;
    if (transport === undefined) {
      return Promise.reject(new RpcError('DISCONNECTED', `${method} failed: the app is not connected to the host.`));
    }
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RpcError('TIMEOUT', `${method} got no answer from the host within ${formatSeconds(timeoutMs)}.`));
      }, timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject, timer });
      try {
        transport.send({ id, method, params });
      } catch (error) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new RpcError('DISCONNECTED', `${method} failed: ${messageOf(error)}`));
      }
    });
  }

  /** Listens to a host event; returns the function that stops listening. */
  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
    let set = this.handlers.get(event);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(event, set);
    }
    const entry = handler as (payload: never) => void;
    set.add(entry);
    return () => set.delete(entry);
  }

  /** Follows the connection state (for a "reconnecting…" banner); returns the unsubscribe. */
  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private receive(frame: ServerFrame): void {
    if ('event' in frame) {
      for (const handler of this.handlers.get(frame.event) ?? []) {
        try {
          handler(frame.payload as never);
        } catch (error) {
          console.error(`Handler of ${frame.event} failed:`, error);
        }
      }
      return;
    }
    if (frame.id === null) {
      if ('error' in frame) console.error(`The host refused a message: ${frame.error.code} ${frame.error.message}`);
      return;
    }
    const pending = this.pending.get(frame.id);
    if (pending === undefined) return;
    this.pending.delete(frame.id);
    clearTimeout(pending.timer);
    if ('error' in frame) pending.reject(new RpcError(frame.error.code, oneLine(frame.error.message)));
    else pending.resolve(frame.result);
  }

  private failAll(reason: string): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) {
      clearTimeout(call.timer);
      call.reject(new RpcError('DISCONNECTED', `${call.method} failed: the connection to the host was lost (${reason}).`));
    }
  }

  private setState(state: ConnectionState): void {
    if (state === this.current) return;
    this.current = state;
    for (const listener of this.stateListeners) listener(state);
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function messageOf(error: unknown): string {
  return oneLine(error instanceof Error ? error.message : String(error));
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}
