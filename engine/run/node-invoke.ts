import { NodeError } from '../errors.ts';
import type { NodeContext, NodeTypeSpec } from '../node-type.ts';
import type { Clock } from '../ports.ts';
import { CancellationSource, type CallScope } from './cancellation.ts';

/** Default budget of one attempt of an I/O node whose playbook entry sets no `timeoutMs`. */
export const DEFAULT_TIMEOUT_MS = 120_000;

/** The timeout of one attempt: the node's own, else none for nodes that wait on purpose. */
export function attemptTimeout(timeoutMs: number | undefined, spec: NodeTypeSpec): number | undefined {
  if (timeoutMs !== undefined) return timeoutMs;
  return spec.timing === undefined ? DEFAULT_TIMEOUT_MS : undefined;
}

/** An attempt in flight, as the run sees it: something to cancel when the run stops. */
export interface InFlightAttempt {
  /** Aborts the attempt's signal and settles it with `reason`. */
  cancel(reason: NodeError): void;
}

/** Turns whatever a node threw into a NodeError, preferring the abort reason when aborted. */
export function asNodeError(err: unknown, signal: { readonly aborted: boolean; readonly reason: unknown }): NodeError {
  if (signal.aborted && signal.reason instanceof NodeError) return signal.reason;
  if (err instanceof NodeError) return err;
  if (signal.aborted) return new NodeError('CANCELLED', 'the run was stopped');
  return new NodeError('FAILED', err instanceof Error ? err.message : String(err));
}

/**
 * Runs one attempt of a node in its own call scope. The attempt sits in `inFlight` while it runs,
 * so the run can cancel it on stop; its deadline cancels it with a TIMEOUT error. A cancelled
 * attempt settles at once, so a node that ignores its signal still cannot hang the run. The usual
 * path, an attempt that ends by itself, costs no abort event and no listener, and no AbortSignal
 * unless the node reads `ctx.signal`: that is most node calls.
 */
export function invokeWithDeadline(
  spec: NodeTypeSpec,
  input: unknown,
  makeContext: (scope: CallScope) => NodeContext,
  run: CallScope,
  clock: Clock,
  timeoutMs: number | undefined,
  inFlight: Set<InFlightAttempt>,
): Promise<unknown> {
  if (run.cancellation.aborted) return Promise.reject(asNodeError(undefined, run.cancellation));
  if (spec.timing === 'instant' && timeoutMs === undefined) return Promise.resolve(spec.run(makeContext(run), input));
  return new Attempt(spec, input, makeContext, clock, timeoutMs, inFlight).settled;
}

/** One attempt in flight: settles once, by the node's own result, its deadline or the run's stop. */
class Attempt implements InFlightAttempt {
  readonly settled: Promise<unknown>;
  private readonly scope = new CancellationSource();
  private resolve!: (output: unknown) => void;
  private reject!: (error: NodeError) => void;
  private done = false;
  private readonly stopTimer: (() => void) | undefined;

  constructor(
    spec: NodeTypeSpec,
    input: unknown,
    makeContext: (scope: CallScope) => NodeContext,
    clock: Clock,
    private readonly timeoutMs: number | undefined,
    private readonly inFlight: Set<InFlightAttempt>,
  ) {
    this.settled = new Promise<unknown>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    inFlight.add(this);
    // Inline arrows, not arrow fields: no per-attempt function gets a name defined on it.
    this.stopTimer = timeoutMs === undefined ? undefined : clock.timer(timeoutMs, () => this.expire());
    let running: Promise<unknown>;
    try {
      running = Promise.resolve(spec.run(makeContext(this.scope), input));
    } catch (err) {
      running = Promise.reject(err);
    }
    running.then(
      (output) => this.succeed(output),
      (err: unknown) => this.fail(err),
    );
  }

  /** Marks the attempt over; false when it already was. */
  private end(): boolean {
    if (this.done) return false;
    this.done = true;
    this.inFlight.delete(this);
    this.stopTimer?.();
    return true;
  }

  private succeed(output: unknown): void {
    if (this.end()) this.resolve(output);
  }

  private fail(err: unknown): void {
    if (this.end()) this.reject(asNodeError(err, this.scope));
  }

  cancel(reason: NodeError): void {
    if (!this.end()) return;
    this.scope.cancel(reason);
    this.reject(reason);
  }

  private expire(): void {
    this.cancel(new NodeError('TIMEOUT', `no answer within ${this.timeoutMs} ms`));
  }
}
