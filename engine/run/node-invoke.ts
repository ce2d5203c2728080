import { NodeError } from '../errors.ts';
import type { NodeContext, NodeTypeSpec } from '../node-type.ts';
import type { Clock } from '../ports.ts';

/** Default budget of one attempt of an I/O node whose playbook entry sets no `timeoutMs`. */
export const DEFAULT_TIMEOUT_MS = 120_000;

/** The timeout of one attempt: the node's own, else none for nodes that wait on purpose. */
export function attemptTimeout(timeoutMs: number | undefined, spec: NodeTypeSpec): number | undefined {
  if (timeoutMs !== undefined) return timeoutMs;
  return spec.timing === undefined ? DEFAULT_TIMEOUT_MS : undefined;
}

/** Stops one attempt in flight: aborts its signal and settles it with `reason`. */
export type CancelAttempt = (reason: NodeError) => void;

/** Turns whatever a node threw into a NodeError, preferring the abort reason when aborted. */
export function asNodeError(err: unknown, signal: AbortSignal): NodeError {
  if (signal.aborted && signal.reason instanceof NodeError) return signal.reason;
  if (err instanceof NodeError) return err;
  if (signal.aborted) return new NodeError('CANCELLED', 'the run was stopped');
  return new NodeError('FAILED', err instanceof Error ? err.message : String(err));
}

/**
 * Runs one attempt of a node under its own AbortController, which the run cancels on stop
 * (through `track`) and the attempt's deadline cancels with a TIMEOUT error. A cancelled attempt
 * settles at once, so a node that ignores its signal still cannot hang the run. The usual path,
 * an attempt that ends by itself, costs no abort event and no listener: that is most node calls.
 */
export function invokeWithDeadline(
  spec: NodeTypeSpec,
  input: unknown,
  makeContext: (signal: AbortSignal) => NodeContext,
  runSignal: AbortSignal,
  clock: Clock,
  timeoutMs: number | undefined,
  track: (cancel: CancelAttempt) => () => void,
): Promise<unknown> {
  if (runSignal.aborted) return Promise.reject(asNodeError(undefined, runSignal));
  if (spec.timing === 'instant' && timeoutMs === undefined) return spec.run(makeContext(runSignal), input);
  const attempt = new AbortController();
  return new Promise<unknown>((resolve, reject) => {
    let settled = false;
    let stopTimer: (() => void) | undefined;
    const end = (): boolean => {
      if (settled) return false;
      settled = true;
      untrack();
      stopTimer?.();
      return true;
    };
    const cancel: CancelAttempt = (reason) => {
      if (!end()) return;
      attempt.abort(reason);
      reject(reason);
    };
    const untrack = track(cancel);
    if (timeoutMs !== undefined) {
      stopTimer = clock.timer(timeoutMs, () => cancel(new NodeError('TIMEOUT', `no answer within ${timeoutMs} ms`)));
    }
    let running: Promise<unknown>;
    try {
      running = spec.run(makeContext(attempt.signal), input);
    } catch (err) {
      running = Promise.reject(err);
    }
    running.then(
      (output) => end() && resolve(output),
      (err: unknown) => end() && reject(asNodeError(err, attempt.signal)),
    );
  });
}
