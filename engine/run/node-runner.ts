import { NodeError, toErrorInfo } from '../errors.ts';
import type { NodeTypeSpec } from '../node-type.ts';
import { firstParamsIssue } from '../validate/problems.ts';
import { runItems } from './item-runner.ts';
import { RunNodeContext } from './node-context.ts';
import { asNodeError, attemptTimeout, invokeWithDeadline } from './node-invoke.ts';
import { withRawParams, type ParseResult, type PlannedNode } from './plan.ts';
import { reserveToken, type TokenBucket } from './rate-limit.ts';
import { DEFAULT_RETRY, nextRetry } from './retry.ts';
import { sendsOnce } from './reuse.ts';
import type { RunCore } from './run-core.ts';
import type { RunCredential } from './run-credentials.ts';
import type { ItemScope, RunServices } from './run-services.ts';
import type { OutputSource } from './events.ts';
import { limitError } from './value-limits.ts';

/**
 * Runs one started node to its end: the instant path, dry-run writes, credentials, forEach items,
 * and attempts with retries, rate limits and deadlines. It reports how the node ended; what runs
 * next is the scheduler's business.
 */
export class NodeRunner {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    readonly core: RunCore,
    readonly services: RunServices,
    readonly outcomes: NodeOutcomes,
  ) {}

  /** Starts a node with its resolved input (or forEach items) and does not wait for it. */
  start(node: PlannedNode, input: unknown, items: unknown[] | undefined, overridden = false): void {
    if (items === undefined && this.runInstant(node, node.spec!, input, overridden)) return;
    this.outcomes.began();
    void this.execNode(node, input, items, overridden);
  }

  /**
   * Instant nodes run here, with no attempt machinery: one call, no retry, and when the node
   * answers synchronously no promise at all, which is what makes a long chain cheap. Returns false
   * for the cases the general path handles (a timeout or credential set, a dry-run write).
   */
  private runInstant(node: PlannedNode, spec: NodeTypeSpec, input: unknown, overridden: boolean): boolean {
    if (spec.timing !== 'instant' || node.node.timeoutMs !== undefined || node.node.credential) return false;
    if (this.core.options.dryRun && spec.effect === 'write') return false;
    const started = this.core.clock.now();
    const parsed = this.parseInput(node, spec, input, !overridden);
    if (!parsed.success) {
      this.outcomes.fail(node, invalidInput(parsed), 1, 0, { input });
      return true;
    }
    let output: unknown;
    try {
      output = spec.run(new RunNodeContext(this.services, node.id, 1, this.core.cancellation, undefined, undefined), parsed.data);
    } catch (err) {
      this.settleInstant(node, started, input, false, err);
      return true;
    }
    if (!(output instanceof Promise)) {
      this.settleInstant(node, started, input, true, output);
      return true;
    }
    this.outcomes.began();
    output.then(
      (value: unknown) => this.settleInstant(node, started, input, true, value, true),
      (err: unknown) => this.settleInstant(node, started, input, false, err, true),
    );
    return true;
  }

  /** An instant node's one event: its outcome with its input; `inFlight` when the loop counted it running. */
  private settleInstant(node: PlannedNode, started: number, input: unknown, ok: boolean, result: unknown, inFlight = false): void {
    const durationMs = this.core.clock.now() - started;
    if (ok) this.outcomes.succeed(node, result, routeOf(node, result), 1, durationMs, { input });
    else this.outcomes.fail(node, asNodeError(result, this.core.cancellation), 1, durationMs, { input });
    if (inFlight) this.outcomes.ended();
  }

  /** Runs a node to its end (all attempts, all items), settles it, and tells the loop. Never rejects. */
  private async execNode(node: PlannedNode, input: unknown, items: unknown[] | undefined, overridden: boolean): Promise<void> {
    try {
      await this.runToEnd(node, input, items, overridden);
    } catch (err) {
      this.outcomes.fail(node, asNodeError(err, this.core.cancellation), 1, 0);
    } finally {
      this.outcomes.ended();
    }
  }

  private async runToEnd(node: PlannedNode, input: unknown, items: unknown[] | undefined, overridden: boolean): Promise<void> {
    const { core, outcomes } = this;
    const spec = node.spec!;
    const started = core.clock.now();
    if (core.options.dryRun && spec.effect === 'write') {
      core.emit({ type: 'node.started', nodeId: node.id, attempt: 1, input });
      const output = items ? items.map(() => spec.example) : spec.example;
      return outcomes.succeed(node, output, routeOf(node, spec.example), 1, core.clock.now() - started, { simulated: true });
    }
    const tooBig = limitError(input, core.limits, `the input of node ${node.id}`);
    if (tooBig) return outcomes.fail(node, tooBig, 1, 0);
    let credential: RunCredential;
    try {
      // A trigger's slot verifies deliveries before the run (a webhook's secret): the run never resolves it.
      credential = spec.kind !== 'trigger' && (node.node.credential || spec.credentials?.required) ? await this.services.credentials.forNode(node, spec) : undefined;
    } catch (err) {
      return outcomes.fail(node, asNodeError(err, core.cancellation), 1, 0);
    }
    const lab = credential?.lab ? { lab: true as const } : {};
    if (items) return runItems(this, node, spec, items, started, credential);
    // An instant node starts and ends in one step: its input rides on its one closing event.
    const instant = spec.timing === 'instant';
    if (!instant) {
      core.emit({ type: 'node.started', nodeId: node.id, attempt: 1, input, ...lab });
      if (sendsOnce(spec) && !(await this.writtenAhead())) return;
    }
    const result = await this.attempts(node, spec, input, credential?.values, undefined, overridden);
    const durationMs = core.clock.now() - started;
    const closing = instant ? { input, ...lab } : {};
    if (result.ok) outcomes.succeed(node, result.output, routeOf(node, result.output), result.attempt, durationMs, closing);
    else outcomes.fail(node, result.error, result.attempt, durationMs, closing);
  }

  /**
   * Write-ahead for a request that must not be sent twice: its start is on disk before it goes
   * out, so a resume knows it may have been sent. False (and the run stops) when the journal failed.
   */
  async writtenAhead(): Promise<boolean> {
    await this.core.pipeline.flushed();
    return !this.outcomes.mustStop();
  }

  /** Attempts with retries: full-jitter backoff, `Retry-After` honoured, 4xx never retried. */
  async attempts(node: PlannedNode, spec: NodeTypeSpec, resolved: unknown, credentials: Record<string, unknown> | undefined, extra?: ItemScope, overridden = false): Promise<Attempted> {
    const { core } = this;
    const parsed = this.parseInput(node, spec, resolved, extra === undefined && !overridden);
    if (!parsed.success) return { ok: false, error: invalidInput(parsed), attempt: 1 };
    const input = parsed.data;
    const timeoutMs = attemptTimeout(node.node.timeoutMs, spec);
    const firstStart = core.clock.now();
    for (let attempt = 1; ; attempt++) {
      try {
        if (core.options.rateLimits?.[spec.connector]) await this.rateLimit(spec);
        const output = await invokeWithDeadline(spec, input, (scope) => new RunNodeContext(this.services, node.id, attempt, scope, credentials, extra), core.cancellation, core.clock, timeoutMs, core.attemptsInFlight);
        return { ok: true, output, attempt };
      } catch (err) {
        const error = asNodeError(err, core.cancellation);
        const code = error.code === 'UNKNOWN_OUTCOME' && spec.idempotent ? 'NETWORK' : error.code;
        const budgetMs = node.node.timeoutMs === undefined ? undefined : node.node.timeoutMs - (core.clock.now() - firstStart);
        const decision = nextRetry(attempt, code, { ...DEFAULT_RETRY, ...node.node.retry }, error.retryAfterMs, core.options.random, budgetMs);
        if (!decision.retry) return { ok: false, error: decision.error ?? error, attempt };
        if (spec.timing === 'instant' || core.cancellation.aborted) return { ok: false, error, attempt };
        core.emit({ type: 'node.retrying', nodeId: node.id, attempt, delayMs: decision.delayMs, error: toErrorInfo(error) });
        try {
          await core.clock.sleep(decision.delayMs, core.cancellation.signal);
        } catch {
          return { ok: false, error: asNodeError(undefined, core.cancellation), attempt };
        }
      }
    }
  }

  /** Validates resolved params; static params were validated once, when the playbook was planned. */
  private parseInput(node: PlannedNode, spec: NodeTypeSpec, resolved: unknown, mayUsePlanned: boolean): ParseResult {
    const planned = mayUsePlanned ? node.staticParams?.parsed : undefined;
    if (planned) return planned;
    return spec.input.safeParse(withRawParams(node, resolved)) as ParseResult;
  }

  private async rateLimit(spec: NodeTypeSpec): Promise<void> {
    const limit = this.core.options.rateLimits?.[spec.connector];
    if (!limit || spec.timing === 'instant') return;
    const { bucket, waitMs } = reserveToken(this.buckets.get(spec.connector), limit, this.core.clock.now());
    this.buckets.set(spec.connector, bucket);
    if (waitMs > 0) await this.core.clock.sleep(waitMs, this.core.cancellation.signal);
  }
}

/** How a node's end is recorded, and what is in flight: the scheduler's side of a node run. */
export interface NodeOutcomes {
  succeed(node: PlannedNode, output: unknown, port: string, attempt: number, durationMs: number, extra?: { simulated?: boolean; source?: OutputSource; input?: unknown; lab?: true }): void;
  fail(node: PlannedNode, error: NodeError, attempt: number, durationMs: number, extra?: { input?: unknown; lab?: true }): void;
  /** A node went in flight (it settles later); the loop counts it against the run's limit. */
  began(): void;
  /** A node in flight has ended, whichever way: the loop may dispatch again. */
  ended(): void;
  /** Whether the run must stop (stopped, failed, or its journal broke). */
  mustStop(): boolean;
}

/** The last attempt of a node (or item): its output, or the error it ended with. */
export type Attempted = { ok: true; output: unknown; attempt: number } | { ok: false; error: NodeError; attempt: number };

/** The INVALID_INPUT error of params that failed the action's schema, naming the first bad field. */
function invalidInput(parsed: ParseResult & { success: false }): NodeError {
  return new NodeError('INVALID_INPUT', firstParamsIssue(parsed.error.issues));
}

/** The port a node's output leaves on: the action's own routing, else `out`. */
export function routeOf(node: PlannedNode, output: unknown): string {
  return node.spec?.route ? node.spec.route(output) : 'out';
}
