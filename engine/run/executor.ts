import { Scheduler } from './scheduler.ts';
import type { RunHandle, RunOptions } from './types.ts';

export { newRunId } from './run-id.ts';
export { childCredentials, DEFAULT_MAX_DEPTH } from './child-runs.ts';
export { DEFAULT_CONCURRENCY } from './scheduler.ts';
export { DEFAULT_ITEM_CONCURRENCY } from './item-runner.ts';

/**
 * Starts a run and returns its handle at once; `done` resolves when it has finished. The entry
 * point of the executor: scheduler.ts orders the nodes, node-runner.ts runs them, and
 * run-services.ts is what they see of the run.
 */
export function startRun(options: RunOptions): RunHandle {
  const run = new Scheduler(options, startRun);
  const done = run.execute();
  return {
    runId: run.core.runId,
    done,
    state: () => run.core.state,
    debug: run.controller(),
    subscribe: (listener) => run.core.pipeline.subscribe(listener),
  };
}
