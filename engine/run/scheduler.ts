import { NodeError, toErrorInfo, type NodeErrorInfo } from '../errors.ts';
import type { StartRun } from './child-runs.ts';
import { debugController } from './debug-controller.ts';
import type { OutputSource } from './events.ts';
import { nextTurn } from './next-turn.ts';
import { resolveInput, type ResolvedInput } from './node-input.ts';
import { NodeRunner, routeOf, type NodeOutcomes } from './node-runner.ts';
import { decideUnknown, pauseBefore } from './pause-points.ts';
import type { PlannedNode } from './plan.ts';
import { isEdgeTaken, joinDecision, pauseReason, type Settlement } from './readiness.ts';
import { rerunSet, reusedOutcome, unknownOutcome } from './reuse.ts';
import { RunCore } from './run-core.ts';
import { runOutput } from './run-output.ts';
import { RunServices } from './run-services.ts';
import type { DebugController, RunOptions, RunState } from './types.ts';
import { limitError } from './value-limits.ts';

/**
 * One run of a playbook: the executor loop of DESIGN.md §5. It only schedules: it decides which
 * nodes are ready (readiness.ts), settles each ended node's edges, and hands ready nodes to the
 * node runner; running them, and the services they use, live elsewhere.
 */
export class Scheduler implements NodeOutcomes {
  readonly core: RunCore;
  readonly services: RunServices;
  readonly runner: NodeRunner;
  private readonly options: RunOptions;
  /** Per node, by plan index: incoming edges not yet settled, and those taken. */
  private readonly pendingIn: Int32Array;
  private readonly takenIn: Int32Array;
  private readonly ready: PlannedNode[] = [];
  private head = 0;
  private running = 0;
  private wake: (() => void) | undefined;
  private failure: (NodeErrorInfo & { nodeId?: string }) | undefined;
  private stopped = false;
  /** "Run from here" and resume: the nodes that run again; the others replay the earlier run. */
  private readonly rerun: Set<string> | undefined;

  constructor(options: RunOptions, startRun: StartRun) {
    this.options = options;
    this.core = new RunCore(options);
    this.services = new RunServices(this.core, startRun);
    this.runner = new NodeRunner(this.core, this.services, this);
    const { plan } = this.core;
    this.pendingIn = new Int32Array(plan.nodes.length);
    this.takenIn = new Int32Array(plan.nodes.length);
    for (const node of plan.nodes) this.pendingIn[node.index] = node.incoming.length;
    this.rerun = options.reuse ? rerunSet(plan, options.reuse) : undefined;
    options.signal?.addEventListener('abort', () => this.stop('the run was cancelled'), { once: true });
  }

  /** The loop, as numbered steps; every decision in it is a pure function elsewhere. */
  async execute(): Promise<RunState> {
    // 1. Seed: the trigger is ready; a playbook without exactly one trigger fails at once.
    const { triggers } = this.core.plan;
    if (triggers.length !== 1) {
      this.failure = { code: 'FAILED', message: `a playbook needs exactly one trigger; this one has ${triggers.length}` };
    } else {
      this.seed(triggers[0]!);
    }
    let streak = 0;
    while (!this.mustStop()) {
      // 2. Dispatch the next ready node while under the run's limit.
      const next = this.ready[this.head];
      if (next && this.running < this.limit()) {
        this.head++;
        const dispatching = this.dispatch(next);
        // 3. Wait only when dispatching waited (a pause, an evaluation); after a long streak of
        //    instant nodes, give the event loop a turn.
        if (dispatching) {
          await dispatching;
          streak = 0;
        } else if (++streak >= SYNC_STREAK) {
          await nextTurn();
          streak = 0;
        }
        continue;
      }
      // 4. Nothing to dispatch: done when nothing runs, else wait for a node to end.
      if (this.running === 0) break;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    // 5. Stopped or failed: let the nodes in flight end, then 6. record how the run ended.
    while (this.running > 0) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.finish();
  }

  private limit(): number {
    return this.core.gate.mode === 'step' ? 1 : Math.max(1, this.options.concurrency ?? DEFAULT_CONCURRENCY);
  }

  mustStop(): boolean {
    const { pipeline } = this.core;
    if (pipeline.failure !== undefined && !this.failure) {
      this.failure = { code: 'FAILED', message: `the run journal could not be written: ${toErrorInfo(pipeline.failure).message}` };
    }
    return this.stopped || this.failure !== undefined;
  }

  /** Ready: the trigger, and every other node nothing leads to is dead from the start. */
  private seed(trigger: PlannedNode): void {
    this.ready.push(trigger);
    for (const node of this.core.plan.nodes) {
      if (node !== trigger && node.incoming.length === 0) this.settle(node, { kind: 'skipped', reason: 'dead-path' });
    }
  }

  /** Starts one ready node: shortcuts (disabled, reused, pinned), input, pause, then launch. */
  private dispatch(node: PlannedNode): Promise<void> | void {
    if (node.node.disabled) return this.settle(node, { kind: 'skipped', reason: 'disabled' });
    if (this.reuse(node)) return;
    const pin = this.options.pins?.[node.id];
    if (pin) return this.succeed(node, pin.output, pin.port ?? routeOf(node, pin.output), 1, 0, { source: 'pin' });
    if (!node.spec) return this.fail(node, new NodeError('FAILED', `unknown node type ${node.node.type}`), 1, 0);
    const resolved = resolveInput(node, this.services);
    return resolved instanceof Promise ? resolved.then((r) => this.launch(node, r)) : this.launch(node, resolved);
  }

  /** Pauses first when stepping or at a breakpoint, then starts the node without waiting for it. */
  private launch(node: PlannedNode, resolved: ResolvedInput): Promise<void> | void {
    if (!resolved.ok) return this.fail(node, resolved.error, 1, 0);
    const { reuse, dryRun } = this.options;
    const unknown = reuse && !dryRun ? unknownOutcome(reuse.previous.nodes[node.id], node.spec!, node.forEach !== undefined) : undefined;
    if (unknown) return decideUnknown(this, node, resolved, unknown);
    const { gate } = this.core;
    const reason = pauseReason(gate.mode, gate.pauseRequested, node.node.breakpoint === true || gate.breakpoints.has(node.id));
    if (reason && node.spec!.kind !== 'trigger') return pauseBefore(this, node, reason, resolved);
    this.runner.start(node, resolved.input, resolved.items);
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

  began(): void {
    this.running++;
  }

  ended(): void {
    this.running--;
    this.wake?.();
  }

  succeed(node: PlannedNode, output: unknown, port: string, attempt: number, durationMs: number, extra: { simulated?: boolean; source?: OutputSource; input?: unknown; lab?: true } = {}): void {
    // Fail closed: an output the journal could not hold must not reach the nodes after it. Instant
    // nodes compute from values already bounded, with bounded expressions: only vendor answers and
    // outputs people give (skip, pin, mark done) can break a limit, so only those are measured.
    const refused = node.spec?.timing === 'instant' && extra.source === undefined ? undefined : limitError(output, this.core.limits, `the output of node ${node.id}`);
    if (refused) return this.fail(node, refused, attempt, durationMs, { input: extra.input, ...(extra.lab ? { lab: extra.lab } : {}) });
    this.core.emitEnd({ type: 'node.succeeded', nodeId: node.id, attempt, output, port, durationMs, ...extra });
    this.settle(node, { kind: 'succeeded', port });
  }

  fail(node: PlannedNode, error: NodeError, attempt: number, durationMs: number, extra: { input?: unknown; lab?: true } = {}): void {
    const info = toErrorInfo(error);
    const handled = node.hasErrorEdge && error.code !== 'CANCELLED';
    this.core.emitEnd({ type: 'node.failed', nodeId: node.id, attempt, error: info, durationMs, handled, ...extra });
    if (!handled) {
      if (error.code === 'CANCELLED') this.stopped = true;
      else this.failure ??= { ...info, nodeId: node.id };
      return;
    }
    this.settle(node, { kind: 'failed', handled });
  }

  /** Marks a node's outgoing edges taken or dead and readies (or skips) the nodes they reach. */
  private settle(first: PlannedNode, firstSettlement: Settlement): void {
    const { plan } = this.core;
    const work: Array<[PlannedNode, Settlement]> = [[first, firstSettlement]];
    for (let item = work.pop(); item; item = work.pop()) {
      const [node, settlement] = item;
      if (settlement.kind === 'skipped') this.core.emitEnd({ type: 'node.skipped', nodeId: node.id, reason: settlement.reason });
      for (const edgeIndex of node.outgoing) {
        const target = plan.nodes[plan.edgeTarget[edgeIndex]!]!;
        if (isEdgeTaken(plan.edges[edgeIndex]!.port, settlement)) this.takenIn[target.index]!++;
        if (--this.pendingIn[target.index]! > 0) continue;
        const decision = joinDecision(target.join, this.takenIn[target.index]!, target.incoming.length);
        if (decision === 'run') this.ready.push(target);
        else work.push([target, { kind: 'skipped', reason: decision }]);
      }
    }
    this.wake?.();
  }

  /** Cancels the run: every attempt in flight, every wait, and a pause if the run is paused. */
  stop(reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    const { core } = this;
    const cancelled = new NodeError('CANCELLED', reason);
    core.cancellation.cancel(cancelled);
    for (const attempt of core.attemptsInFlight) attempt.cancel(cancelled);
    if (core.gate.paused) core.gate.resume({ action: 'stop' });
    this.wake?.();
  }

  private async finish(): Promise<RunState> {
    this.mustStop();
    const { core } = this;
    const status = this.failure ? 'failed' : this.stopped ? 'cancelled' : 'succeeded';
    const durationMs = core.clock.now() - core.startedAt;
    const error = this.failure ?? (this.stopped ? { code: 'CANCELLED' as const, message: String((core.cancellation.reason as Error | undefined)?.message ?? 'stopped') } : undefined);
    core.emit({ type: 'run.finished', status, durationMs, ...(error ? { error } : {}), ...(status === 'succeeded' ? { output: runOutput(core.plan, core.state.nodes) } : {}) });
    await core.pipeline.flushed();
    return core.state;
  }

  controller(): DebugController {
    return debugController(this.core.gate, this.services.approvals, (reason) => this.stop(reason));
  }
}

/** Run-wide limit on nodes and forEach items in flight when the caller sets none. */
export const DEFAULT_CONCURRENCY = 16;
/**
 * Nodes dispatched back to back without waiting (instant nodes settle synchronously) before the
 * loop lets the event loop run: stop requests, approvals and the host's own traffic get a turn.
 */
const SYNC_STREAK = 500;
