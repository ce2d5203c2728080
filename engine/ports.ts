import type { RunEvent } from './run/events.ts';
import type { Playbook } from './format/playbook.ts';

/** Time, injected so tests can run retries, delays and expiries on a fake clock. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Calls `fire` after `ms` unless the returned function cancels it first. For deadlines, which
   * rarely fire: no promise and no abort listener per call.
   */
  timer(ms: number, fire: () => void): () => void;
}

/**
 * Durable storage of a run's events. `append` gets events in order and resolves once they are
 * written; the executor only acknowledges (emits) events after that.
 */
export interface JournalPort {
  append(events: readonly RunEvent[]): Promise<void> | void;
}

/** A bound credential: its field values, and which of those values are secret (to redact). */
export interface ResolvedCredential {
  values: Record<string, unknown>;
  secrets: readonly string[];
  /** The values point at a lab twin, not the real vendor: the node that uses them is marked LAB. */
  lab?: boolean;
}

/** Resolves a playbook's credential slot to its values (from the vault or a file). */
export interface CredentialsPort {
  resolve(slot: string, connector: string): Promise<ResolvedCredential | undefined>;
  /**
   * The port of another playbook's own bindings, for a sub-playbook: a child never borrows the
   * caller's slot of the same name. Absent when bindings are not per playbook (a CLI credentials file).
   */
  forPlaybook?(playbookId: string): CredentialsPort;
}

/** Loads the playbook a `core.playbook` node refers to (by id or path). */
export interface PlaybookResolver {
  load(ref: string): Promise<Playbook>;
}

/** The real clock: `Date.now` and timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  timer: (ms, fire) => {
    const handle = setTimeout(fire, ms);
    return () => clearTimeout(handle);
  },
};
