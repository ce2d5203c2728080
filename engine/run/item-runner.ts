import { NodeError } from '../errors.ts';
import type { NodeTypeSpec } from '../node-type.ts';
import { asNodeError } from './node-invoke.ts';
import type { NodeRunner } from './node-runner.ts';
import type { PlannedNode } from './plan.ts';
import { sendsOnce } from './reuse.ts';
import type { RunCredential } from './run-credentials.ts';

/**
 * forEach: one run per item, `concurrency` at a time; the output is the list of results. Items an
 * earlier run completed (resume, "run from here") are never sent again; the first failing item
 * fails the node and names its index.
 */
export async function runItems(runner: NodeRunner, node: PlannedNode, spec: NodeTypeSpec, items: unknown[], started: number, credential: RunCredential): Promise<void> {
  const { core, services, outcomes } = runner;
  const earlier = core.options.reuse?.previous.nodes[node.id]?.itemOutputs;
  core.emit({ type: 'node.started', nodeId: node.id, attempt: 1, input: { items }, items: items.length, ...(credential?.lab ? { lab: true as const } : {}) });
  const results = new Array<unknown>(items.length);
  const pending: number[] = [];
  for (let index = 0; index < items.length; index++) {
    if (earlier && index in earlier) {
      results[index] = earlier[index];
      core.emit({ type: 'node.progress', nodeId: node.id, done: index + 1 - pending.length, total: items.length, index, output: earlier[index] });
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
    while (!failed && !core.cancellation.aborted && cursor < pending.length) {
      const index = pending[cursor++]!;
      const extra = { item: items[index], index };
      let input: unknown;
      try {
        input = await services.evaluate(node.params, extra);
      } catch (err) {
        failed ??= { error: new NodeError('EXPRESSION', err instanceof Error ? err.message : String(err)), attempt: 1, index };
        return;
      }
      if (once) {
        core.emit({ type: 'node.item.started', nodeId: node.id, index });
        if (!(await runner.writtenAhead())) return;
      }
      const result = await runner.attempts(node, spec, input, credential?.values, extra);
      maxAttempt = Math.max(maxAttempt, result.attempt);
      if (!result.ok) {
        failed ??= { ...result, index };
        return;
      }
      results[index] = result.output;
      core.emit({ type: 'node.progress', nodeId: node.id, done: ++done, total: items.length, index, output: result.output });
    }
  };
  const width = Math.min(pending.length, node.node.concurrency ?? DEFAULT_ITEM_CONCURRENCY);
  await Promise.all(Array.from({ length: width }, worker));
  const durationMs = core.clock.now() - started;
  if (failed) {
    const { error } = failed;
    const itemError = new NodeError(error.code, `item ${failed.index}: ${error.message}`, error);
    return outcomes.fail(node, itemError, failed.attempt, durationMs);
  }
  if (core.cancellation.aborted) return outcomes.fail(node, asNodeError(undefined, core.cancellation), maxAttempt, durationMs);
  outcomes.succeed(node, results, 'out', maxAttempt, durationMs);
}

/** forEach items in flight per node when the node sets no `concurrency`. */
export const DEFAULT_ITEM_CONCURRENCY = 4;
