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

/** Turns whatever a node threw into a NodeError, preferring the abort reason when aborted. */
export function asNodeError(err: unknown, signal: AbortSignal): NodeError {
  if (signal.aborted && signal.reason instanceof NodeError) return signal.reason;
  if (err instanceof NodeError) return err;
  if (signal.aborted) return new NodeError('CANCELLED', 'the run was stopped');
  return new NodeError('FAILED', err instanceof Error ? err.message : String(err));
}

/**
 * Runs one attempt of a node under its own AbortController, which the run aborts on stop (through
 * `track`, not a listener per attempt on the run's signal: hundreds run at once) and which a
 * TIMEOUT error aborts when the attempt's budget runs out. A node that ignores its
 * signal still cannot hang the run: the attempt settles when the signal fires.
 */
export async function invokeWithDeadline(
  spec: NodeTypeSpec,
  input: unknown,
  makeContext: (signal: AbortSignal) => NodeContext,
  runSignal: AbortSignal,
  clock: Clock,
  timeoutMs: number | undefined,
  track: (attempt: AbortController) => () => void,
): Promise<unknown> {
  if (runSignal.aborted) throw asNodeError(undefined, runSignal);
  if (spec.timing === 'instant' && timeoutMs === undefined) return spec.run(makeContext(runSignal), input);
  const attempt = new AbortController();
  const untrack = track(attempt);
  if (timeoutMs !== undefined) {
    clock.sleep(timeoutMs, attempt.signal).then(
      () => attempt.abort(new NodeError('TIMEOUT', `no answer within ${timeoutMs} ms`)),
      () => undefined,
    );
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(attempt.signal.reason);
    attempt.signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    return await Promise.race([spec.run(makeContext(attempt.signal), input), aborted]);
  } catch (err) {
    throw asNodeError(err, attempt.signal);
  } finally {
    untrack();
    if (onAbort) attempt.signal.removeEventListener('abort', onAbort);
    if (!attempt.signal.aborted) attempt.abort(new NodeError('CANCELLED', 'attempt finished'));
  }
}
