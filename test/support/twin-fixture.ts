import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { labCredentialsFor } from '../../host/lab/lab.ts';
import { startTwin } from '../../lab/twin.ts';
import type { Fault, RunningTwin, TwinDefinition } from '../../lab/twin.ts';
import type { Connector } from '../../nodes/sdk/define-connector.ts';
import { destroyAgents } from '../../nodes/sdk/http-agents.ts';
import { clearConnectorCaches } from './connector-caches.ts';
import { runAction } from './connector-harness.ts';
import type { ActionResult, RunActionOptions } from './connector-harness.ts';
import { labControl } from './lab-control.ts';

/** What a contract test works with: one vendor's twin, its lab credential and the connector's actions. */
export interface TwinFixture<S> {
  /** The running twin (url, state, requests); throws before the file's beforeAll has started it. */
  twin(): RunningTwin<S>;
  /** The lab credential values, every URL field pointed at the twin. */
  credentials(): Record<string, unknown>;
  /** Runs one action through the executor against the twin, with the lab credential unless `creds` is given. */
  run(action: string, params: Record<string, unknown>, options?: RunActionOptions, creds?: Record<string, unknown>): Promise<ActionResult>;
  /** Runs a write action as a dry run and checks it was simulated with the action's example as output. */
  simulate(action: string, params: Record<string, unknown>): Promise<ActionResult>;
  /** Queues a fault (or several) on the twin: `POST /_lab/faults`. */
  fault(body: Fault | Fault[]): Promise<void>;
  /** Gives the twin a request budget: `POST /_lab/rate-limit` (`{}` refuses every request, Retry-After 1 s). */
  rateLimit(body?: { budget?: number; retryAfterSeconds?: number }): Promise<void>;
}

/**
 * Registers the hooks of a connector's contract test in the calling file: start the twin and
 * point the lab credential at it (beforeAll), reset it and the connector caches before each
 * test, close it and the HTTP agents afterwards.
 */
export function useTwin<S>(connector: Connector, definition: TwinDefinition<S>, labCredentials: Record<string, unknown>): TwinFixture<S> {
  let started: { twin: RunningTwin<S>; credentials: Record<string, unknown> } | undefined;
  const current = () => {
    if (!started) throw new Error(`the ${definition.name} twin is not running: use it inside a test or a hook`);
    return started;
  };

  beforeAll(async () => {
    const twin = await startTwin(definition);
    started = { twin, credentials: labCredentialsFor({ connector, twin: definition, credentials: labCredentials }, twin.url) };
  });
  afterAll(async () => {
    await started?.twin.close();
    destroyAgents();
  });
  beforeEach(() => {
    current().twin.reset();
    clearConnectorCaches();
  });

  const control = async (path: string, body: unknown): Promise<void> => {
    const response = await labControl(current().twin, path, body);
    expect(response.ok).toBe(true);
  };

  const run: TwinFixture<S>['run'] = (action, params, options = {}, creds = current().credentials) => runAction(connector, action, params, creds, options);

  const simulate = async (action: string, params: Record<string, unknown>): Promise<ActionResult> => {
    const result = await run(action, params, { dryRun: true });
    expect(result.node.status).toBe('simulated');
    expect(result.node.output).toEqual(connector.actions[action]?.example);
    return result;
  };

  return {
    twin: () => current().twin,
    credentials: () => current().credentials,
    run,
    simulate,
    fault: (body) => control('/_lab/faults', body),
    rateLimit: (body = {}) => control('/_lab/rate-limit', body),
  };
}
