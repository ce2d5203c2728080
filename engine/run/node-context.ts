import type { Cancellation, Decision, DecisionRequest, EgressPolicy, NodeContext } from '../node-type.ts';
import type { Clock } from '../ports.ts';
import type { CallScope } from './cancellation.ts';
import type { ItemScope, RunServices } from './run-services.ts';

/**
 * What a node sees of its run, one per attempt. A class, not a literal of closures: long chains
 * create one per node, and prototype methods cost nothing to create.
 */
export class RunNodeContext implements NodeContext {
  readonly runId: string;
  readonly dryRun: boolean;
  readonly clock: Clock;
  readonly idempotencyKey: string;
  readonly trigger: unknown;
  readonly credentials?: Record<string, unknown>;
  readonly egress?: EgressPolicy;

  constructor(
    private readonly services: RunServices,
    readonly nodeId: string,
    readonly attempt: number,
    private readonly scope: CallScope,
    credentials: Record<string, unknown> | undefined,
    private readonly extra: ItemScope | undefined,
  ) {
    const run = services.core;
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
    this.services.log(this.nodeId, level, message);
  }

  evaluate(template: unknown, more?: ItemScope): Promise<unknown> {
    return this.services.evaluateRaw(template, this.extra || more ? { ...this.extra, ...more } : undefined);
  }

  requestDecision(request: DecisionRequest): Promise<Decision> {
    return this.services.requestDecision(this.nodeId, request, this.signal);
  }

  runPlaybook(ref: string, event: unknown, pass?: Readonly<Record<string, string>>): Promise<unknown> {
    return this.services.runChild(this.nodeId, ref, event, this.signal, this.extra?.index, pass);
  }
}
