import { createRegistry } from '../../engine/node-type.ts';
import { startRun } from '../../engine/run/executor.ts';
import type { RunEvent } from '../../engine/run/events.ts';
import type { NodeRunState, RunOptions } from '../../engine/run/types.ts';
import { fieldsOutside, shapeOfSchema } from '../../engine/validate/field-shapes.ts';
import type { Connector } from '../../nodes/sdk/define-connector.ts';
import { secretValues } from '../../nodes/sdk/secrets.ts';
import { manualTrigger } from '../../nodes/core/trigger-manual.ts';
import { LoopbackClock } from './loopback-clock.ts';

export interface ActionResult {
  node: NodeRunState;
  events: RunEvent[];
  /** Virtual milliseconds the run took (retry waits included). */
  elapsedMs: number;
  /** Every delay the executor decided to wait, e.g. a honoured Retry-After. */
  sleeps: number[];
}

/** Run options for one action, plus the node's own retry policy. */
export type RunActionOptions = Partial<RunOptions> & { retry?: { maxAttempts: number } };

/**
 * Runs one connector action the way a playbook does (executor, retries, credentials, redaction)
 * against a real server, on a LoopbackClock so Retry-After waits cost no real time. Backoff
 * jitter is pinned to its ceiling (`random: () => 1`) unless `options.random` says otherwise,
 * so retry waits are deterministic.
 */
export async function runAction(
  connector: Connector,
  action: string,
  params: Record<string, unknown>,
  credentials: Record<string, unknown>,
  options: RunActionOptions = {},
): Promise<ActionResult> {
  const type = `${connector.id}.${action}@${connector.version}`;
  const trigger = { id: 't', type: 'trigger.manual@1', name: 'Trigger', params: {} };
  const node = { id: 'act', type, name: action, params, credential: 'cred', ...(options.retry ? { retry: options.retry } : {}) };
  const clock = options.clock ?? new LoopbackClock();
  const events: RunEvent[] = [];
  const registry = createRegistry([manualTrigger, ...connector.specs]);
  const started = clock.now();
  const state = await startRun({
    playbook: {
      format: 'switchboard/playbook@1', id: 'contract', name: 'Contract', description: '', revision: 1, tags: [], vars: {}, layout: {}, notes: [],
      credentials: { cred: { connector: connector.id } },
      nodes: [trigger, node],
      edges: [{ id: 'e1', from: 't', port: 'out', to: 'act' }],
    },
    registry,
    credentials: { resolve: async () => ({ values: credentials, secrets: secretValues(credentials, connector) }) },
    journal: { append: (batch) => void events.push(...batch) },
    random: () => 1,
    ...options,
    clock,
  }).done;
  const result = state.nodes.act!;
  assertOutputFitsSchema(connector, type, result);
  return { node: result, events, elapsedMs: clock.now() - started, sleeps: clock instanceof LoopbackClock ? clock.sleeps : [] };
}

/**
 * Every output a connector test sees must fit the action's declared output schema: a field the
 * schema lacks would make validation refuse a playbook that reads it, though the run would work.
 */
function assertOutputFitsSchema(connector: Connector, type: string, node: NodeRunState): void {
  const schema = connector.specs.find((spec) => spec.type === type)?.output;
  if (schema === undefined || node.status !== 'succeeded') return;
  const outside = fieldsOutside(shapeOfSchema(schema), node.output);
  if (outside.length > 0) throw new Error(`${type} output has fields its output schema does not declare: ${outside.slice(0, 10).join(', ')}`);
}
