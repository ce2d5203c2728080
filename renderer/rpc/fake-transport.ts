import type { EventName, EventPayload, MethodName, ParamsOf, RequestFrame, ResultOf } from '../../host/protocol/contract.ts';
import type { Transport, TransportListener } from './client.ts';

/** Answers for the methods a test needs; a thrown `{ code, message }` becomes an error frame. */
export type FakeHandlers = { [M in MethodName]?: (params: ParamsOf<M>) => ResultOf<M> | Promise<ResultOf<M>> };

export interface FakeTransport extends Transport {
  /** Every request sent so far, oldest first. */
  readonly sent: RequestFrame[];
  /** Pushes a host event to the client. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Simulates a dropped link. */
  drop(reason?: string): void;
}

/**
 * An in-memory host for tests and demos: answers requests from `handlers` on the next
 * microtask, and lets the test push events or drop the link. Unknown methods get UNKNOWN_METHOD.
 */
export function createFakeTransport(handlers: FakeHandlers = {}): FakeTransport {
  let listener: TransportListener | undefined;
  const sent: RequestFrame[] = [];
  return {
    sent,
    send(frame) {
      sent.push(frame);
      const handler = handlers[frame.method as MethodName] as ((params: unknown) => unknown) | undefined;
      void Promise.resolve()
        .then(() => {
          if (handler === undefined) throw { code: 'UNKNOWN_METHOD', message: `No method ${frame.method}.` };
          return handler(frame.params);
        })
        .then(
          (result) => listener?.frame({ id: frame.id, result }),
          (error: unknown) => listener?.frame({ id: frame.id, error: toError(error) }),
        );
    },
    open(next) {
      listener = next;
      queueMicrotask(() => listener?.connected());
      return () => {
        listener = undefined;
      };
    },
    emit(event, payload) {
      listener?.frame({ event, payload });
    },
    drop(reason = 'dropped by the test') {
      listener?.disconnected(reason);
    },
  };
}

function toError(error: unknown): { code: string; message: string } {
  if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) {
    return { code: String(error.code), message: String(error.message) };
  }
  return { code: 'FAILED', message: error instanceof Error ? error.message : String(error) };
}
