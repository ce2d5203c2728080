import type { ExpressionLimits, ExpressionScope } from '../expressions/types.ts';
import { DEFAULT_EXPRESSION_LIMITS } from '../expressions/types.ts';
import type { EgressPolicy } from '../node-type.ts';
import { systemClock, type Clock } from '../ports.ts';
import { CancellationSource } from './cancellation.ts';
import { DebugGate } from './debug-gate.ts';
import { EventPipeline } from './event-pipeline.ts';
import type { RunEvent, RunEventBody } from './events.ts';
import { expressionView } from './expression-view.ts';
import type { InFlightAttempt } from './node-invoke.ts';
import { planFor, type Plan } from './plan.ts';
import { newRunId } from './run-id.ts';
import { applyRunEvent, initialRunState } from './reducer.ts';
import { DEFAULT_VALUE_LIMITS, limitError, type ValueLimits } from './value-limits.ts';
import type { RunOptions, RunState } from './types.ts';

/**
 * What every part of one run shares: its identity, its plan and scope, and the one path its events
 * take (journal, then reducer), so the scheduler, the node runner and the services record alike.
 * The plan is shared between runs and read only; everything per run lives here or beside it.
 */
export class RunCore {
  readonly runId: string;
  readonly clock: Clock;
  readonly startedAt: number;
  readonly plan: Plan;
  readonly state: RunState;
  readonly pipeline: EventPipeline;
  readonly gate: DebugGate;
  /** Cancelled on stop: what instant nodes run under, and what waits of the run watch. */
  readonly cancellation = new CancellationSource();
  /** The attempts in flight, cancelled together when the run stops. */
  readonly attemptsInFlight = new Set<InFlightAttempt>();
  readonly scope: ExpressionScope;
  /** What idempotency keys are made of: the original run's id, kept by every resume of it. */
  readonly keyRoot: string;
  readonly limits: ValueLimits;
  readonly expressionLimits: ExpressionLimits;
  /** Handed to every node as `ctx.egress`. */
  readonly egress: EgressPolicy | undefined;

  constructor(readonly options: RunOptions) {
    this.egress = options.egress;
    this.clock = options.clock ?? systemClock;
    this.startedAt = this.clock.now();
    this.runId = options.runId ?? newRunId(this.startedAt);
    this.plan = planFor(options.playbook, options.registry);
    this.gate = new DebugGate(options.mode ?? 'run', options.breakpoints ?? []);
    this.pipeline = new EventPipeline(this.runId, this.clock.now, options.journal);
    if (options.onEvent) this.pipeline.subscribe(options.onEvent);
    const trigger = options.trigger ?? options.reuse?.previous.trigger ?? {};
    this.limits = options.valueLimits ?? DEFAULT_VALUE_LIMITS;
    this.expressionLimits = options.expressionLimits ?? DEFAULT_EXPRESSION_LIMITS;
    const refused = limitError(trigger, this.limits, 'the trigger event');
    if (refused) throw refused;
    this.keyRoot = options.reuse ? (options.reuse.previous.keyRoot ?? options.reuse.previous.runId) : (options.keyRoot ?? this.runId);
    this.scope = {
      trigger,
      nodes: {},
      vars: options.playbook.vars,
      run: { id: this.runId, started: this.startedAt, mode: this.gate.mode, dryRun: options.dryRun ?? false },
    };
    this.state = initialRunState(this.emitStarted(trigger));
  }

  private emitStarted(trigger: unknown): RunEvent {
    const { options } = this;
    return this.pipeline.emit({
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
  }

  emit(body: RunEventBody): RunEvent {
    const event = this.pipeline.emit(body);
    applyRunEvent(this.state, event);
    return event;
  }

  /** Records a node's end: expressions see exactly the reducer's state of it, one truth for all. */
  emitEnd(body: RunEventBody & { nodeId: string }): void {
    this.emit(body);
    this.scope.nodes[body.nodeId] = expressionView(this.state.nodes[body.nodeId]!);
  }
}
