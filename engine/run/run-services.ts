import { compileValue, evaluateValue } from '../expressions/template.ts';
import type { Decision, DecisionRequest } from '../node-type.ts';
import { RunApprovals } from './approvals.ts';
import { runChild, type StartRun } from './child-runs.ts';
import type { Compiled } from './plan.ts';
import type { RunCore } from './run-core.ts';
import { RunCredentials } from './run-credentials.ts';

/**
 * What a run lends its nodes, behind `NodeContext`: expression evaluation in the run's scope,
 * logging, credentials, approvals and child runs. Services only; they decide nothing about order.
 */
export class RunServices {
  readonly credentials: RunCredentials;
  readonly approvals: RunApprovals;

  constructor(
    readonly core: RunCore,
    private readonly startRun: StartRun,
  ) {
    this.credentials = new RunCredentials(core.options.credentials, core.pipeline);
    this.approvals = new RunApprovals(core);
  }

  /** Evaluates a template compiled with the plan, in the run's scope plus a forEach item. */
  evaluate(compiled: Compiled, extra?: ItemScope): Promise<unknown> {
    if (!compiled.ok) return Promise.reject(compiled.error);
    const scope = extra ? { ...this.core.scope, item: extra.item, index: extra.index } : this.core.scope;
    return evaluateValue(compiled.value, scope, this.core.expressionLimits);
  }

  /** Evaluates a template a node holds raw (a filter's `where`), in the run's scope plus `extra`. */
  evaluateRaw(template: unknown, extra: ItemScope | undefined): Promise<unknown> {
    const scope = extra ? { ...this.core.scope, ...extra } : this.core.scope;
    return evaluateValue(compileValue(template, 'params'), scope, this.core.expressionLimits);
  }

  log(nodeId: string, level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.core.emit({ type: 'node.log', nodeId, level, message });
  }

  requestDecision(nodeId: string, request: DecisionRequest, signal: AbortSignal): Promise<Decision> {
    return this.approvals.request(nodeId, request, signal);
  }

  runChild(nodeId: string, ref: string, event: unknown, signal: AbortSignal, index: number | undefined, pass: Readonly<Record<string, string>> | undefined): Promise<unknown> {
    return runChild(this.core, this.startRun, { nodeId, ref, event, signal, index, pass });
  }
}

/** The item a forEach node is working on, as expressions see it (`item`, `index`). */
export type ItemScope = { item?: unknown; index?: number };
