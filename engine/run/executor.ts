import { NodeError, toErrorInfo, type NodeErrorInfo } from '../errors.ts';
import { DEFAULT_EXPRESSION_LIMITS, type ExpressionScope } from '../expressions/types.ts';
import { compileValue, evaluateValue } from '../expressions/template.ts';
import { createRedactor } from '../journal/redact.ts';
import type { Cancellation, Decision, DecisionRequest, EgressPolicy, NodeContext, NodeTypeSpec } from '../node-type.ts';
import { systemClock, type Clock, type CredentialsPort } from '../ports.ts';
import { DebugGate } from './debug-gate.ts';
import { EventPipeline } from './event-pipeline.ts';
import type { OutputSource, PauseReason, RunEvent, RunEventBody, UnknownOutcomeChoice } from './events.ts';
import { CancellationSource, type CallScope } from './cancellation.ts';
import { nextTurn } from './next-turn.ts';
import { asNodeError, attemptTimeout, invokeWithDeadline, type InFlightAttempt } from './node-invoke.ts';
import { planFor, type Compiled, type Plan, type PlannedNode } from './plan.ts';
import { runOutput } from './run-output.ts';
import { reserveToken, type TokenBucket } from './rate-limit.ts';
import { isEdgeTaken, joinDecision, pauseReason, type Settlement } from './readiness.ts';
import { initialRunState, applyRunEvent } from './reducer.ts';
import { DEFAULT_RETRY, nextRetry } from './retry.ts';
import { rerunSet, reusedOutcome, sendsOnce, unknownOutcome, type UnknownOutcome } from './reuse.ts';
import { expressionView } from './expression-view.ts';
import { DEFAULT_VALUE_LIMITS, limitError, type ValueLimits } from './value-limits.ts';
import type { DebugController, RunHandle, RunOptions, RunState } from './types.ts';
import { firstParamsIssue } from '../validate/problems.ts';

/** Run-wide limit on nodes and forEach items in flight when the caller sets none. */
export const DEFAULT_CONCURRENCY = 16;
/** Sub-playbooks may nest this deep unless the caller says otherwise. */
export const DEFAULT_MAX_DEPTH = 5;
/** forEach items in flight per node when the node sets no `concurrency`. */
export const DEFAULT_ITEM_CONCURRENCY = 4;
/**
 * Nodes dispatched back to back without waiting (instant nodes settle synchronously) before the
 * loop lets the event loop run: stop requests, approvals and the host's own traffic get a turn.
 */
const SYNC_STREAK = 500;

type Resolved = { ok: true; input: unknown; items?: unknown[] } | { ok: false; error: NodeError };
type ParseResult = NonNullable<NonNullable<PlannedNode['staticParams']>['parsed']>;

type Attempted = { ok: true; output: unknown; attempt: number } | { ok: false; error: NodeError; attempt: number };

/** A node's credential for one run: its values, and whether they point at a lab twin. */
type RunCredential = { values: Record<string, unknown>; lab: boolean } | undefined;

/** A run id that sorts by start time and is a safe file name: `20261128-144926-3fa9c1` (UTC). */
export function newRunId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const random = Math.floor(Math.random() * 0x1000000).toString(16).padStart(6, '0');
  return `${stamp}-${random}`;
}

/** The INVALID_INPUT error of params that failed the action's schema, naming the first bad field. */
function invalidInput(parsed: ParseResult & { success: false }): NodeError {
  return new NodeError('INVALID_INPUT', firstParamsIssue(parsed.error.issues));
}

/**
 * One run of a playbook: the executor loop of DESIGN.md §5. The loop only dispatches ready nodes
 * and waits; every decision (readiness, joins, retries, pauses) is a pure function elsewhere.
 */
class Run {
  readonly runId: string;
  readonly clock: Clock;
  readonly plan: Plan;
  readonly state: RunState;
  readonly pipeline: EventPipeline;
  readonly gate: DebugGate;
  /** Cancelled on stop: what instant nodes run under, and what waits of the run watch. */
  readonly cancellation = new CancellationSource();
  readonly scope: ExpressionScope;
  private readonly pendingIn: Int32Array;
  private readonly takenIn: Int32Array;
  private readonly ready: PlannedNode[] = [];
  private head = 0;
  private running = 0;
  private wake: (() => void) | undefined;
  private failure: (NodeErrorInfo & { nodeId?: string }) | undefined;
  private stopped = false;
  private readonly secrets: string[] = [];
  private readonly credentialCache = new Map<string, Promise<RunCredential>>();
  private readonly buckets = new Map<string, TokenBucket>();
  /** The attempts in flight, cancelled together when the run stops. */
  private readonly attemptsInFlight = new Set<InFlightAttempt>();
  private readonly approvals = new Map<string, (decision: Decision, by?: string, comment?: string) => void>();
  private readonly rerun: Set<string> | undefined;
  private readonly startedAt: number;
  /** What idempotency keys are made of: the original run's id, kept by every resume of it. */
  readonly keyRoot: string;
  readonly limits: ValueLimits;
  /** Handed to every node as `ctx.egress`. */
  readonly egress: EgressPolicy | undefined;

  constructor(private readonly options: RunOptions) {
    this.egress = options.egress;
    this.clock = options.clock ?? systemClock;
    this.startedAt = this.clock.now();
    this.runId = options.runId ?? newRunId(this.startedAt);
    this.plan = planFor(options.playbook, options.registry);
    this.gate = new DebugGate(options.mode ?? 'run', options.breakpoints ?? []);
    this.pipeline = new EventPipeline(this.runId, this.clock.now, options.journal);
    if (options.onEvent) this.pipeline.subscribe(options.onEvent);
    this.pendingIn = new Int32Array(this.plan.nodes.length);
    this.takenIn = new Int32Array(this.plan.nodes.length);
    for (const node of this.plan.nodes) this.pendingIn[node.index] = node.incoming.length;
    this.rerun = options.reuse ? rerunSet(this.plan, options.reuse) : undefined;
    const trigger = options.trigger ?? options.reuse?.previous.trigger ?? {};
    this.limits = options.valueLimits ?? DEFAULT_VALUE_LIMITS;
    const refused = limitError(trigger, this.limits, 'the trigger event');
    if (refused) throw refused;
    this.keyRoot = options.reuse ? (options.reuse.previous.keyRoot ?? options.reuse.previous.runId) : (options.keyRoot ?? this.runId);
    this.scope = {
      trigger,
      nodes: {},
      vars: options.playbook.vars,
      run: { id: this.runId, started: this.startedAt, mode: this.gate.mode, dryRun: options.dryRun ?? false },
    };
    options.signal?.addEventListener('abort', () => this.stop('the run was cancelled'), { once: true });
    const started = this.pipeline.emit({
      type: 'run.started',
      playbookId: options.playbook.id,
      playbookName: options.playbook.name,
      revision: options.playbook.revision,
      mode: this.gate.mode,
      dryRun: options.dryRun ?? false,
      trigger,
      nodeIds: this.plan.nodes.map((n) => n.id),
      ...(options.reuse ? { fromRunId: options.reuse.previous.runId } : {}),
      ...(options.reuse?.fromNodeId ? { fromNodeId: options.reuse.fromNodeId } : {}),
      ...(options.parentRunId ? { parentRunId: options.parentRunId } : {}),
      ...(options.lab ? { lab: true as const } : {}),
      ...(this.keyRoot !== this.runId ? { keyRoot: this.keyRoot } : {}),
    });
    this.state = initialRunState(started);
  }

  private emit(body: RunEventBody): RunEvent {
    const event = this.pipeline.emit(body);
    applyRunEvent(this.state, event);
    return event;
  }

  /** Records a node's end: expressions see exactly the reducer's state of it, one truth for all. */
  private emitEnd(body: RunEventBody & { nodeId: string }): void {
    this.emit(body);
    this.scope.nodes[body.nodeId] = expressionView(this.state.nodes[body.nodeId]!);
  }

  /** The loop: 1. seed the trigger, 2. dispatch ready nodes, 3. wait, 4. finish. */
  async execute(): Promise<RunState> {
    if (this.plan.triggers.length !== 1) {
      this.failure = { code: 'FAILED', message: `a playbook needs exactly one trigger; this one has ${this.plan.triggers.length}` };
    } else {
      this.seed(this.plan.triggers[0]!);
    }
    let streak = 0;
    while (!this.mustStop()) {
      const next = this.ready[this.head];
      if (next && this.running < this.limit()) {
        this.head++;
        const dispatching = this.dispatch(next);
        if (dispatching) {
          await dispatching;
          streak = 0;
        } else if (++streak >= SYNC_STREAK) {
          await nextTurn();
          streak = 0;
        }
        continue;
      }
      if (this.running === 0) break;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    while (this.running > 0) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.finish();
  }

  private limit(): number {
    return this.gate.mode === 'step' ? 1 : Math.max(1, this.options.concurrency ?? DEFAULT_CONCURRENCY);
  }

  private mustStop(): boolean {
    if (this.pipeline.failure !== undefined && !this.failure) {
      this.failure = { code: 'FAILED', message: `the run journal could not be written: ${toErrorInfo(this.pipeline.failure).message}` };
    }
    return this.stopped || this.failure !== undefined;
  }

  /** Ready: the trigger, and every other node nothing leads to is dead from the start. */
  private seed(trigger: PlannedNode): void {
    this.ready.push(trigger);
    for (const node of this.plan.nodes) {
      if (node !== trigger && node.incoming.length === 0) this.settle(node, { kind: 'skipped', reason: 'dead-path' });
    }
  }

  /** Starts one ready node: shortcuts (disabled, reused, pinned), input, pause, then launch. */
  private dispatch(node: PlannedNode): Promise<void> | void {
    if (node.node.disabled) return this.settle(node, { kind: 'skipped', reason: 'disabled' });
    if (this.reuse(node)) return;
    const pin = this.options.pins?.[node.id];
    if (pin) return this.succeed(node, pin.output, pin.port ?? this.route(node, pin.output), 1, 0, { source: 'pin' });
    if (!node.spec) return this.fail(node, new NodeError('FAILED', `unknown node type ${node.node.type}`), 1, 0);
    const resolved = this.resolveInput(node);
    return resolved instanceof Promise ? resolved.then((r) => this.launch(node, r)) : this.launch(node, resolved);
  }

  /** Pauses first when stepping or at a breakpoint, then starts the node without waiting for it. */
  private launch(node: PlannedNode, resolved: Resolved): Promise<void> | void {
    if (!resolved.ok) return this.fail(node, resolved.error, 1, 0);
    const unknown = this.options.reuse && !this.options.dryRun ? unknownOutcome(this.options.reuse.previous.nodes[node.id], node.spec!, node.forEach !== undefined) : undefined;
    if (unknown) return this.decideUnknown(node, resolved, unknown);
    const reason = pauseReason(this.gate.mode, this.gate.pauseRequested, node.node.breakpoint === true || this.gate.breakpoints.has(node.id));
    if (reason && node.spec!.kind !== 'trigger') return this.pauseBefore(node, reason, resolved);
    this.start(node, resolved.input, resolved.items);
  }

  /**
   * A write the earlier run sent without recording its outcome: never re-sent on its own. The
   * run pauses for the analyst, or applies the run's policy, and journals the choice either way.
   */
  private async decideUnknown(node: PlannedNode, resolved: Resolved & { ok: true }, unknown: UnknownOutcome): Promise<void> {
    const policy = this.options.unknownOutcome ?? 'ask';
    this.emit({ type: 'run.paused', nodeId: node.id, reason: 'unknown-outcome', input: resolved.input });
    let choice: UnknownOutcomeChoice;
    let marked: { output?: unknown; port?: string } = {};
    if (policy === 'ask') {
      const command = await this.gate.wait({ nodeId: node.id, reason: 'unknown-outcome', input: resolved.input });
      if (command.action === 'stop') return this.stop('stopped by the analyst');
      choice = command.action === 'mark-done' || command.action === 'fail' ? command.action : 'resend';
      if (command.action === 'mark-done') marked = command;
    } else {
      choice = policy;
    }
    this.emit({ type: 'run.resumed', nodeId: node.id, action: choice, by: policy === 'ask' ? 'analyst' : 'policy' });
    if (choice === 'mark-done') return this.succeed(node, marked.output ?? null, marked.port ?? 'out', 0, 0, { source: 'marked' });
    if (choice === 'fail') {
      const what = unknown.items ? `items ${unknown.items.join(', ')} of this request` : 'this request';
      const why = policy === 'ask' ? 'the analyst chose fail' : '--unknown=fail';
      return this.fail(node, new NodeError('UNKNOWN_OUTCOME', `run ${this.options.reuse!.previous.runId} sent ${what} and stopped before the answer was recorded; not sent again (${why})`), 0, 0);
    }
    this.start(node, resolved.input, resolved.items);
  }

  private async pauseBefore(node: PlannedNode, reason: PauseReason, resolved: Resolved & { ok: true }): Promise<void> {
    this.emit({ type: 'run.paused', nodeId: node.id, reason, input: resolved.input });
    const command = await this.gate.wait({ nodeId: node.id, reason, input: resolved.input });
    if (command.action === 'stop') return this.stop('stopped by the analyst');
    this.emit({ type: 'run.resumed', nodeId: node.id, action: command.action });
    if (command.action === 'skip') return this.succeed(node, command.output ?? null, command.port ?? 'out', 0, 0, { source: 'user' });
    const input = this.gate.takeInput(resolved.input);
    this.start(node, input, input === resolved.input ? resolved.items : undefined, input !== resolved.input);
  }

  private start(node: PlannedNode, input: unknown, items: unknown[] | undefined, overridden = false): void {
    if (items === undefined && this.runInstant(node, node.spec!, input, overridden)) return;
    this.running++;
    void this.execNode(node, input, items, overridden);
  }

  /** A node in flight has ended, whichever way: the loop may dispatch again. */
  private ended(): void {
    this.running--;
    this.wake?.();
  }

  /** "Run from here" and resume: outside the re-run set, replay the earlier outcome. */
  private reuse(node: PlannedNode): boolean {
    if (!this.rerun || this.rerun.has(node.id)) return false;
    const outcome = reusedOutcome(this.options.reuse!.previous.nodes[node.id], node.hasErrorEdge);
    if (!outcome) return false;
    if (outcome.kind === 'succeeded') this.succeed(node, outcome.output, outcome.port, 0, 0, { source: 'reused' });
    else this.fail(node, new NodeError(outcome.error.code, outcome.error.message), 0, 0);
    return true;
  }

  /** The node's resolved params (or forEach list); synchronous when there is nothing to evaluate. */
  private resolveInput(node: PlannedNode): Resolved | Promise<Resolved> {
    if (!node.forEach && node.staticParams) return { ok: true, input: node.staticParams.value };
    return this.evaluateInput(node);
  }

  private async evaluateInput(node: PlannedNode): Promise<Resolved> {
    try {
      if (node.forEach) {
        const list = await this.evaluate(node.forEach);
        if (!Array.isArray(list)) {
          const kind = list === null || list === undefined ? 'nothing' : typeof list;
          return { ok: false, error: new NodeError('INVALID_INPUT', `forEach must yield a list; it yielded ${kind}`) };
        }
        return { ok: true, input: { items: list }, items: list };
      }
      return { ok: true, input: await this.evaluate(node.params) };
    } catch (err) {
      return { ok: false, error: new NodeError('EXPRESSION', err instanceof Error ? err.message : String(err)) };
    }
  }

  private evaluate(compiled: Compiled, extra?: { item?: unknown; index?: number }): Promise<unknown> {
    if (!compiled.ok) return Promise.reject(compiled.error);
    const scope = extra ? { ...this.scope, item: extra.item, index: extra.index } : this.scope;
    return evaluateValue(compiled.value, scope, this.options.expressionLimits ?? DEFAULT_EXPRESSION_LIMITS);
  }

  /**
   * Instant nodes run here, with no attempt machinery: one call, no retry, and when the node
   * answers synchronously no promise at all, which is what makes a long chain cheap. Returns false
   * for the cases the general path handles (a timeout or credential set, a dry-run write).
   */
  private runInstant(node: PlannedNode, spec: NodeTypeSpec, input: unknown, overridden: boolean): boolean {
    if (spec.timing !== 'instant' || node.node.timeoutMs !== undefined || node.node.credential) return false;
    if (this.options.dryRun && spec.effect === 'write') return false;
    const started = this.clock.now();
    const parsed = this.parseInput(node, spec, input, !overridden);
    if (!parsed.success) {
      this.fail(node, invalidInput(parsed), 1, 0, { input });
      return true;
    }
    let output: unknown;
    try {
      output = spec.run(new RunNodeContext(this, node.id, 1, this.cancellation, undefined, undefined), parsed.data);
    } catch (err) {
      this.settleInstant(node, started, input, false, err);
      return true;
    }
    if (!(output instanceof Promise)) {
      this.settleInstant(node, started, input, true, output);
      return true;
    }
    this.running++;
    output.then(
      (value: unknown) => this.settleInstant(node, started, input, true, value, true),
      (err: unknown) => this.settleInstant(node, started, input, false, err, true),
    );
    return true;
  }

  /** An instant node's one event: its outcome with its input; `inFlight` when the loop counted it running. */
  private settleInstant(node: PlannedNode, started: number, input: unknown, ok: boolean, result: unknown, inFlight = false): void {
    const durationMs = this.clock.now() - started;
    if (ok) this.succeed(node, result, this.route(node, result), 1, durationMs, { input });
    else this.fail(node, asNodeError(result, this.cancellation), 1, durationMs, { input });
    if (inFlight) this.ended();
  }

  /** Runs a node to its end (all attempts, all items), settles it, and tells the loop. Never rejects. */
  private async execNode(node: PlannedNode, input: unknown, items: unknown[] | undefined, overridden: boolean): Promise<void> {
    try {
      await this.runToEnd(node, input, items, overridden);
    } catch (err) {
      this.fail(node, asNodeError(err, this.cancellation), 1, 0);
    } finally {
      this.ended();
    }
  }

  private async runToEnd(node: PlannedNode, input: unknown, items: unknown[] | undefined, overridden: boolean): Promise<void> {
    const spec = node.spec!;
    const started = this.clock.now();
    if (this.options.dryRun && spec.effect === 'write') {
      this.emit({ type: 'node.started', nodeId: node.id, attempt: 1, input });
      const output = items ? items.map(() => spec.example) : spec.example;
      return this.succeed(node, output, this.route(node, spec.example), 1, this.clock.now() - started, { simulated: true });
    }
    const tooBig = limitError(input, this.limits, `the input of node ${node.id}`);
    if (tooBig) return this.fail(node, tooBig, 1, 0);
    let credential: RunCredential;
    try {
      // A trigger's slot verifies deliveries before the run (a webhook's secret): the run never resolves it.
      credential = spec.kind !== 'trigger' && (node.node.credential || spec.credentials?.required) ? await this.credentialsFor(node, spec) : undefined;
    } catch (err) {
      return this.fail(node, asNodeError(err, this.cancellation), 1, 0);
    }
    const lab = credential?.lab ? { lab: true as const } : {};
    if (items) return this.execItems(node, spec, items, started, credential);
    // An instant node starts and ends in one step: its input rides on its one closing event.
    const instant = spec.timing === 'instant';
    if (!instant) {
      this.emit({ type: 'node.started', nodeId: node.id, attempt: 1, input, ...lab });
      if (sendsOnce(spec) && !(await this.writtenAhead())) return;
    }
    const result = await this.attempts(node, spec, input, credential?.values, undefined, overridden);
    const durationMs = this.clock.now() - started;
    const closing = instant ? { input, ...lab } : {};
    if (result.ok) this.succeed(node, result.output, this.route(node, result.output), result.attempt, durationMs, closing);
    else this.fail(node, result.error, result.attempt, durationMs, closing);
  }

  /**
   * Write-ahead for a request that must not be sent twice: its start is on disk before it goes
   * out, so a resume knows it may have been sent. False (and the run stops) when the journal failed.
   */
  private async writtenAhead(): Promise<boolean> {
    await this.pipeline.flushed();
    return !this.mustStop();
  }

  /** forEach: one run per item, `concurrency` at a time; the output is the list of results. */
  private async execItems(node: PlannedNode, spec: NodeTypeSpec, items: unknown[], started: number, credential: RunCredential): Promise<void> {
    // Items an earlier run completed (resume, "run from here") are never sent again.
    const earlier = this.options.reuse?.previous.nodes[node.id]?.itemOutputs;
    this.emit({ type: 'node.started', nodeId: node.id, attempt: 1, input: { items }, items: items.length, ...(credential?.lab ? { lab: true as const } : {}) });
    const results = new Array<unknown>(items.length);
    const pending: number[] = [];
    for (let index = 0; index < items.length; index++) {
      if (earlier && index in earlier) {
        results[index] = earlier[index];
        this.emit({ type: 'node.progress', nodeId: node.id, done: index + 1 - pending.length, total: items.length, index, output: earlier[index] });
      } else {
        pending.push(index);
      }
    }
    const once = sendsOnce(spec);
    let cursor = 0;
    let done = items.length - pending.length;
    let failed: { error: NodeError; attempt: number; index: number } | undefined;
    let maxAttempt = 1;
    const worker = async (): Promise<void> => {
      while (!failed && !this.cancellation.aborted && cursor < pending.length) {
        const index = pending[cursor++]!;
        const extra = { item: items[index], index };
        let input: unknown;
        try {
          input = await this.evaluate(node.params, extra);
        } catch (err) {
          failed ??= { error: new NodeError('EXPRESSION', err instanceof Error ? err.message : String(err)), attempt: 1, index };
          return;
        }
        if (once) {
          this.emit({ type: 'node.item.started', nodeId: node.id, index });
          if (!(await this.writtenAhead())) return;
        }
        const result = await this.attempts(node, spec, input, credential?.values, extra);
        maxAttempt = Math.max(maxAttempt, result.attempt);
        if (!result.ok) {
          failed ??= { ...result, index };
          return;
        }
        results[index] = result.output;
        this.emit({ type: 'node.progress', nodeId: node.id, done: ++done, total: items.length, index, output: result.output });
      }
    };
    const width = Math.min(pending.length, node.node.concurrency ?? DEFAULT_ITEM_CONCURRENCY);
    await Promise.all(Array.from({ length: width }, worker));
    const durationMs = this.clock.now() - started;
    if (failed) {
      const { error } = failed;
      const itemError = new NodeError(error.code, `item ${failed.index}: ${error.message}`, error);
      return this.fail(node, itemError, failed.attempt, durationMs);
    }
    if (this.cancellation.aborted) return this.fail(node, asNodeError(undefined, this.cancellation), maxAttempt, durationMs);
    this.succeed(node, results, 'out', maxAttempt, durationMs);
  }

  /** Attempts with retries: full-jitter backoff, `Retry-After` honoured, 4xx never retried. */
  private async attempts(node: PlannedNode, spec: NodeTypeSpec, resolved: unknown, credentials: Record<string, unknown> | undefined, extra?: { item?: unknown; index?: number }, overridden = false): Promise<Attempted> {
    const parsed = this.parseInput(node, spec, resolved, extra === undefined && !overridden);
    if (!parsed.success) return { ok: false, error: invalidInput(parsed), attempt: 1 };
    const input = parsed.data;
    const timeoutMs = attemptTimeout(node.node.timeoutMs, spec);
    const firstStart = this.clock.now();
    for (let attempt = 1; ; attempt++) {
      try {
        if (this.options.rateLimits?.[spec.connector]) await this.rateLimit(spec);
        const output = await invokeWithDeadline(spec, input, (scope) => new RunNodeContext(this, node.id, attempt, scope, credentials, extra), this.cancellation, this.clock, timeoutMs, this.attemptsInFlight);
        return { ok: true, output, attempt };
      } catch (err) {
        const error = asNodeError(err, this.cancellation);
        const code = error.code === 'UNKNOWN_OUTCOME' && spec.idempotent ? 'NETWORK' : error.code;
        const budgetMs = node.node.timeoutMs === undefined ? undefined : node.node.timeoutMs - (this.clock.now() - firstStart);
        const decision = nextRetry(attempt, code, { ...DEFAULT_RETRY, ...node.node.retry }, error.retryAfterMs, this.options.random, budgetMs);
        if (!decision.retry) return { ok: false, error: decision.error ?? error, attempt };
        if (spec.timing === 'instant' || this.cancellation.aborted) return { ok: false, error, attempt };
        this.emit({ type: 'node.retrying', nodeId: node.id, attempt, delayMs: decision.delayMs, error: toErrorInfo(error) });
        try {
          await this.clock.sleep(decision.delayMs, this.cancellation.signal);
        } catch {
          return { ok: false, error: asNodeError(undefined, this.cancellation), attempt };
        }
      }
    }
  }

  /** Validates resolved params; static params are validated once per playbook, not per run. */
  private parseInput(node: PlannedNode, spec: NodeTypeSpec, resolved: unknown, mayCache: boolean): ParseResult {
    const fixed = mayCache ? node.staticParams : undefined;
    if (fixed?.parsed) return fixed.parsed;
    const parsed = spec.input.safeParse(this.withRawParams(node, resolved)) as ParseResult;
    if (fixed) fixed.parsed = parsed;
    return parsed;
  }

  /** The resolved params with the raw ones beside them, as the action's schema describes its input. */
  private withRawParams(node: PlannedNode, input: unknown): unknown {
    if (node.rawParams === undefined || typeof input !== 'object' || input === null) return input;
    return { ...input, ...node.rawParams };
  }

  private async rateLimit(spec: NodeTypeSpec): Promise<void> {
    const limit = this.options.rateLimits?.[spec.connector];
    if (!limit || spec.timing === 'instant') return;
    const { bucket, waitMs } = reserveToken(this.buckets.get(spec.connector), limit, this.clock.now());
    this.buckets.set(spec.connector, bucket);
    if (waitMs > 0) await this.clock.sleep(waitMs, this.cancellation.signal);
  }

  /** Resolves a node's credential slot once per run and registers its secrets for redaction. */
  private credentialsFor(node: PlannedNode, spec: NodeTypeSpec): Promise<RunCredential> {
    const slot = node.node.credential;
    if (!slot || !spec.credentials) {
      if (spec.credentials?.required) {
        return Promise.reject(new NodeError('AUTH', `node ${node.id} needs a ${spec.credentials.connector} credential and has none bound`));
      }
      return Promise.resolve(undefined);
    }
    let pending = this.credentialCache.get(slot);
    if (!pending) {
      pending = this.resolveCredential(slot, spec.credentials.connector);
      this.credentialCache.set(slot, pending);
    }
    return pending;
  }

  private async resolveCredential(slot: string, connector: string): Promise<RunCredential> {
    const resolved = await this.options.credentials?.resolve(slot, connector);
    if (!resolved) throw new NodeError('AUTH', `credential slot "${slot}" (${connector}) is not bound to a credential`);
    this.secrets.push(...resolved.secrets);
    const redactor = createRedactor(this.secrets);
    this.pipeline.redact = (event) => redactor(event);
    return { values: resolved.values, lab: resolved.lab === true };
  }

  /** Evaluates a template a node holds raw (a filter's `where`), in the run's scope plus `extra`. */
  evaluateRaw(template: unknown, extra: { item?: unknown; index?: number } | undefined): Promise<unknown> {
    const scope = extra ? { ...this.scope, ...extra } : this.scope;
    return evaluateValue(compileValue(template, 'params'), scope, this.options.expressionLimits ?? DEFAULT_EXPRESSION_LIMITS);
  }

  log(nodeId: string, level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.emit({ type: 'node.log', nodeId, level, message });
  }

  requestDecision(nodeId: string, request: DecisionRequest, signal: AbortSignal): Promise<Decision> {
    if (this.approvals.has(nodeId)) return Promise.reject(new NodeError('FAILED', `node ${nodeId} already waits for a decision`));
    const { prompt, expiresAt, details, evidence } = request;
    this.emit({ type: 'approval.requested', nodeId, prompt, expiresAt, details, ...(evidence && evidence.length > 0 ? { evidence } : {}) });
    return new Promise<Decision>((resolve, reject) => {
      const expiry = new AbortController();
      const onAbort = () => {
        this.approvals.delete(nodeId);
        expiry.abort();
        reject(asNodeError(undefined, signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const decide = (decision: Decision, by?: string, comment?: string) => {
        this.approvals.delete(nodeId);
        signal.removeEventListener('abort', onAbort);
        expiry.abort();
        this.emit({ type: 'approval.decided', nodeId, decision, ...(by ? { by } : {}), ...(comment ? { comment } : {}) });
        resolve(decision);
      };
      this.approvals.set(nodeId, decide);
      this.clock.sleep(Math.max(0, request.expiresAt - this.clock.now()), expiry.signal).then(() => decide('expired'), () => undefined);
    });
  }

  /** Runs a sub-playbook as a child run, refusing to nest deeper than the limit. */
  async runChild(nodeId: string, ref: string, event: unknown, signal: AbortSignal, index: number | undefined, pass: Readonly<Record<string, string>> | undefined): Promise<unknown> {
    const depth = (this.options.depth ?? 0) + 1;
    const maxDepth = this.options.maxDepth ?? DEFAULT_MAX_DEPTH;
    if (depth > maxDepth) throw new NodeError('FAILED', `sub-playbook ${ref} would nest ${depth} deep; the limit is ${maxDepth}`);
    if (!this.options.playbooks) throw new NodeError('FAILED', `no playbook resolver to load sub-playbook ${ref}`);
    const playbook = await this.options.playbooks.load(ref);
    const child = startRun({
      ...this.options,
      playbook,
      credentials: childCredentials(this.options.credentials, playbook.id, pass),
      trigger: event,
      runId: `${this.runId}.${nodeId}.${Math.floor(Math.random() * 1e6).toString(36)}`,
      // Deterministic, unlike the child's run id: a resumed parent's child sends the same keys.
      keyRoot: `${this.keyRoot}.${nodeId}${index === undefined ? '' : `.${index}`}`,
      depth,
      maxDepth,
      parentRunId: this.runId,
      signal,
      mode: 'run',
      breakpoints: [],
      pins: {},
      reuse: undefined,
      unknownOutcome: undefined,
      journal: undefined,
      onEvent: undefined,
    });
    const state = await child.done;
    if (state.status !== 'succeeded') {
      const where = state.error?.nodeId ? ` at ${state.error.nodeId}` : '';
      throw new NodeError(state.error?.code === 'CANCELLED' ? 'CANCELLED' : 'FAILED', `sub-playbook ${playbook.id} ${state.status}${where}: ${state.error?.message ?? ''}`.trim());
    }
    return state.output;
  }

  private route(node: PlannedNode, output: unknown): string {
    return node.spec?.route ? node.spec.route(output) : 'out';
  }

  private succeed(node: PlannedNode, output: unknown, port: string, attempt: number, durationMs: number, extra: { simulated?: boolean; source?: OutputSource; input?: unknown; lab?: true } = {}): void {
    // Fail closed: an output the journal could not hold must not reach the nodes after it. Instant
    // nodes compute from values already bounded, with bounded expressions: only vendor answers and
    // outputs people give (skip, pin, mark done) can break a limit, so only those are measured.
    const refused = node.spec?.timing === 'instant' && extra.source === undefined ? undefined : limitError(output, this.limits, `the output of node ${node.id}`);
    if (refused) return this.fail(node, refused, attempt, durationMs, { input: extra.input, ...(extra.lab ? { lab: extra.lab } : {}) });
    this.emitEnd({ type: 'node.succeeded', nodeId: node.id, attempt, output, port, durationMs, ...extra });
    this.settle(node, { kind: 'succeeded', port });
  }

  private fail(node: PlannedNode, error: NodeError, attempt: number, durationMs: number, extra: { input?: unknown; lab?: true } = {}): void {
    const info = toErrorInfo(error);
    const handled = node.hasErrorEdge && error.code !== 'CANCELLED';
    this.emitEnd({ type: 'node.failed', nodeId: node.id, attempt, error: info, durationMs, handled, ...extra });
    if (!handled) {
      if (error.code === 'CANCELLED') this.stopped = true;
      else this.failure ??= { ...info, nodeId: node.id };
      return;
    }
    this.settle(node, { kind: 'failed', handled });
  }

  /** Marks a node's outgoing edges taken or dead and readies (or skips) the nodes they reach. */
  private settle(first: PlannedNode, firstSettlement: Settlement): void {
    const work: Array<[PlannedNode, Settlement]> = [[first, firstSettlement]];
    for (let item = work.pop(); item; item = work.pop()) {
      const [node, settlement] = item;
      if (settlement.kind === 'skipped') this.emitEnd({ type: 'node.skipped', nodeId: node.id, reason: settlement.reason });
      for (const edgeIndex of node.outgoing) {
        const target = this.plan.nodes[this.plan.edgeTarget[edgeIndex]!]!;
        if (isEdgeTaken(this.plan.edges[edgeIndex]!.port, settlement)) this.takenIn[target.index]!++;
        if (--this.pendingIn[target.index]! > 0) continue;
        const decision = joinDecision(target.join, this.takenIn[target.index]!, target.incoming.length);
        if (decision === 'run') this.ready.push(target);
        else work.push([target, { kind: 'skipped', reason: decision }]);
      }
    }
    this.wake?.();
  }

  stop(reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    const cancelled = new NodeError('CANCELLED', reason);
    this.cancellation.cancel(cancelled);
    for (const attempt of this.attemptsInFlight) attempt.cancel(cancelled);
    if (this.gate.paused) this.gate.resume({ action: 'stop' });
    this.wake?.();
  }

  private async finish(): Promise<RunState> {
    this.mustStop();
    const status = this.failure ? 'failed' : this.stopped ? 'cancelled' : 'succeeded';
    const durationMs = this.clock.now() - this.startedAt;
    const error = this.failure ?? (this.stopped ? { code: 'CANCELLED' as const, message: String((this.cancellation.reason as Error | undefined)?.message ?? 'stopped') } : undefined);
    this.emit({ type: 'run.finished', status, durationMs, ...(error ? { error } : {}), ...(status === 'succeeded' ? { output: runOutput(this.plan, this.state.nodes) } : {}) });
    await this.pipeline.flushed();
    return this.state;
  }

  controller(): DebugController {
    return {
      pause: () => {
        this.gate.pauseRequested = true;
      },
      step: () => void this.gate.resume({ action: 'step' }),
      continue: () => void this.gate.resume({ action: 'continue' }),
      skip: (output, port) => void this.gate.resume({ action: 'skip', output, ...(port ? { port } : {}) }),
      resolveUnknown: (choice, output, port) =>
        this.gate.resume(choice === 'mark-done' ? { action: 'mark-done', output, ...(port ? { port } : {}) } : { action: choice }),
      override: (input) => this.gate.override(input),
      setBreakpoints: (ids) => {
        this.gate.breakpoints = new Set(ids);
      },
      inspect: () => this.gate.paused,
      decide: (nodeId, decision, by, comment) => {
        const decide = this.approvals.get(nodeId);
        if (!decide) return false;
        decide(decision, by, comment);
        return true;
      },
      stop: (reason) => this.stop(reason ?? 'stopped by the analyst'),
    };
  }
}

/**
 * What a node sees of its run. A class, not a literal of closures: long chains create one per
 * node, and prototype methods cost nothing to create.
 */
class RunNodeContext implements NodeContext {
  readonly runId: string;
  readonly dryRun: boolean;
  readonly clock: Clock;
  readonly idempotencyKey: string;
  readonly trigger: unknown;
  readonly credentials?: Record<string, unknown>;
  readonly egress?: EgressPolicy;

  constructor(
    private readonly run: Run,
    readonly nodeId: string,
    readonly attempt: number,
    private readonly scope: CallScope,
    credentials: Record<string, unknown> | undefined,
    private readonly extra: { item?: unknown; index?: number } | undefined,
  ) {
    this.runId = run.runId;
    this.dryRun = run.scope.run.dryRun;
    this.clock = run.clock;
    this.trigger = run.scope.trigger;
    this.idempotencyKey = extra?.index === undefined ? `${run.keyRoot}:${nodeId}` : `${run.keyRoot}:${nodeId}:${extra.index}`;
    if (credentials) this.credentials = credentials;
    if (run.egress) this.egress = run.egress;
  }

  /** Read lazily: creating an AbortSignal costs more than most of an attempt's bookkeeping. */
  get signal(): AbortSignal {
    return this.scope.signal;
  }

  get cancellation(): Cancellation {
    return this.scope.cancellation;
  }

  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.run.log(this.nodeId, level, message);
  }

  evaluate(template: unknown, more?: { item?: unknown; index?: number }): Promise<unknown> {
    return this.run.evaluateRaw(template, this.extra || more ? { ...this.extra, ...more } : undefined);
  }

  requestDecision(request: DecisionRequest): Promise<Decision> {
    return this.run.requestDecision(this.nodeId, request, this.signal);
  }

  runPlaybook(ref: string, event: unknown, pass?: Readonly<Record<string, string>>): Promise<unknown> {
    return this.run.runChild(this.nodeId, ref, event, this.signal, this.extra?.index, pass);
  }
}

/**
 * A child run's credentials: its own bindings (or, with no per-playbook bindings, the same
 * source), except the slots the parent passes explicitly, which resolve through the parent's slot.
 */
export function childCredentials(parent: CredentialsPort | undefined, playbookId: string, pass: Readonly<Record<string, string>> | undefined): CredentialsPort | undefined {
  if (!parent) return undefined;
  const own = parent.forPlaybook?.(playbookId) ?? parent;
  if (!pass || Object.keys(pass).length === 0) return own;
  return {
    resolve: (slot, connector) => (Object.hasOwn(pass, slot) ? parent.resolve(pass[slot]!, connector) : own.resolve(slot, connector)),
    ...(own.forPlaybook ? { forPlaybook: (id: string) => own.forPlaybook!(id) } : {}),
  };
}

/** Starts a run and returns its handle at once; `done` resolves when it has finished. */
export function startRun(options: RunOptions): RunHandle {
  const run = new Run(options);
  const done = run.execute();
  return {
    runId: run.runId,
    done,
    state: () => run.state,
    debug: run.controller(),
    subscribe: (listener) => run.pipeline.subscribe(listener),
  };
}
