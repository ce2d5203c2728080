import { NodeError } from '../errors.ts';
import type { PauseReason, UnknownOutcomeChoice } from './events.ts';
import type { ResolvedInput } from './node-input.ts';
import type { PlannedNode } from './plan.ts';
import type { UnknownOutcome } from './reuse.ts';
import type { Scheduler } from './scheduler.ts';

type Ready = ResolvedInput & { ok: true };

/**
 * Pauses before a node (stepping, a breakpoint, a pause request) and carries out the analyst's
 * command: stop the run, skip the node with an output, or run it, with an edited input if given.
 */
export async function pauseBefore(run: Scheduler, node: PlannedNode, reason: PauseReason, resolved: Ready): Promise<void> {
  const { core } = run;
  core.emit({ type: 'run.paused', nodeId: node.id, reason, input: resolved.input });
  const command = await core.gate.wait({ nodeId: node.id, reason, input: resolved.input });
  if (command.action === 'stop') return run.stop('stopped by the analyst');
  core.emit({ type: 'run.resumed', nodeId: node.id, action: command.action });
  if (command.action === 'skip') return run.succeed(node, command.output ?? null, command.port ?? 'out', 0, 0, { source: 'user' });
  const input = core.gate.takeInput(resolved.input);
  run.runner.start(node, input, input === resolved.input ? resolved.items : undefined, input !== resolved.input);
}

/**
 * A write the earlier run sent without recording its outcome: never re-sent on its own. The
 * run pauses for the analyst, or applies the run's policy, and journals the choice either way.
 */
export async function decideUnknown(run: Scheduler, node: PlannedNode, resolved: Ready, unknown: UnknownOutcome): Promise<void> {
  const { core } = run;
  const policy = core.options.unknownOutcome ?? 'ask';
  core.emit({ type: 'run.paused', nodeId: node.id, reason: 'unknown-outcome', input: resolved.input });
  let choice: UnknownOutcomeChoice;
  let marked: { output?: unknown; port?: string } = {};
  if (policy === 'ask') {
    const command = await core.gate.wait({ nodeId: node.id, reason: 'unknown-outcome', input: resolved.input });
    if (command.action === 'stop') return run.stop('stopped by the analyst');
    choice = command.action === 'mark-done' || command.action === 'fail' ? command.action : 'resend';
    if (command.action === 'mark-done') marked = command;
  } else {
    choice = policy;
  }
  core.emit({ type: 'run.resumed', nodeId: node.id, action: choice, by: policy === 'ask' ? 'analyst' : 'policy' });
  if (choice === 'mark-done') return run.succeed(node, marked.output ?? null, marked.port ?? 'out', 0, 0, { source: 'marked' });
  if (choice === 'fail') {
    const what = unknown.items ? `items ${unknown.items.join(', ')} of this request` : 'this request';
    const why = policy === 'ask' ? 'the analyst chose fail' : '--unknown=fail';
    return run.fail(node, new NodeError('UNKNOWN_OUTCOME', `run ${core.options.reuse!.previous.runId} sent ${what} and stopped before the answer was recorded; not sent again (${why})`), 0, 0);
  }
  run.runner.start(node, resolved.input, resolved.items);
}
