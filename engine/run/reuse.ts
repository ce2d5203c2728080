import type { NodeErrorInfo } from '../errors.ts';
import type { NodeTypeSpec } from '../node-type.ts';
import type { Plan } from './plan.ts';
import type { NodeRunState, RunOptions } from './types.ts';

/**
 * The nodes a "run from here" or a resume runs again: the explicit list, else the chosen node
 * and everything downstream of it, else (resume) every node the earlier run did not finish.
 */
export function rerunSet(plan: Plan, reuse: NonNullable<RunOptions['reuse']>): Set<string> {
  if (reuse.rerun) return new Set(reuse.rerun);
  if (reuse.fromNodeId !== undefined) {
    const start = plan.byId.get(reuse.fromNodeId);
    const seen = new Set<string>();
    const stack = start ? [start] : [];
    for (let node = stack.pop(); node; node = stack.pop()) {
      if (seen.has(node.id)) continue;
      seen.add(node.id);
      for (const edge of node.outgoing) stack.push(plan.nodes[plan.edgeTarget[edge]!]!);
    }
    return seen;
  }
  const unfinished = plan.nodes.filter((n) => !isFinished(reuse.previous.nodes[n.id]));
  return new Set(unfinished.map((n) => n.id));
}

function isFinished(node: NodeRunState | undefined): boolean {
  if (!node) return false;
  return node.status === 'succeeded' || node.status === 'simulated' || (node.status === 'failed' && node.port === 'error') || node.output !== undefined;
}

/** What an earlier run recorded for a node, if it can stand in for running it again. */
export function reusedOutcome(
  previous: NodeRunState | undefined,
  hasErrorEdge: boolean,
): { kind: 'succeeded'; output: unknown; port: string } | { kind: 'failed'; error: NodeErrorInfo } | undefined {
  if (!previous) return undefined;
  if (previous.status === 'succeeded' || previous.status === 'simulated' || (previous.status === 'skipped' && previous.output !== undefined)) {
    return { kind: 'succeeded', output: previous.output, port: previous.port ?? 'out' };
  }
  if (previous.status === 'failed' && previous.error && hasErrorEdge) return { kind: 'failed', error: previous.error };
  return undefined;
}

/** A write that must not be sent twice: sending it again could act twice (block, suspend, post). */
export function sendsOnce(spec: Pick<NodeTypeSpec, 'effect' | 'idempotent'>): boolean {
  return spec.effect === 'write' && spec.idempotent !== true;
}

/** What an earlier run left unknown about a node: the whole node, or (forEach) these items. */
export interface UnknownOutcome {
  items?: number[];
}

/**
 * Whether an earlier run may have sent this write without recording what came of it: it died
 * while the node ran (journal: started, no end), or the node failed with UNKNOWN_OUTCOME or was
 * cancelled in flight by a stop. For a forEach, only the items that were sent and never
 * completed; none means nothing is unknown.
 * "Started, no end" is read from the times, not the status: a journal read back after the
 * process died shows the node idle again (`recoverRun`), yet the write may have gone out.
 */
export function unknownOutcome(previous: NodeRunState | undefined, spec: Pick<NodeTypeSpec, 'effect' | 'idempotent'>, forEach: boolean): UnknownOutcome | undefined {
  if (!previous || !sendsOnce(spec)) return undefined;
  const startedNoEnd = previous.startedAt !== undefined && previous.finishedAt === undefined;
  // A stop cancels a write in flight: it may have reached the vendor, so CANCELLED is unknown too.
  const cutShort = startedNoEnd || (previous.status === 'failed' && (previous.error?.code === 'UNKNOWN_OUTCOME' || previous.error?.code === 'CANCELLED'));
  if (!cutShort) return undefined;
  if (!forEach) return {};
  const items = Object.keys(previous.itemsSent ?? {})
    .map(Number)
    .filter((index) => !(index in (previous.itemOutputs ?? {})))
    .sort((a, b) => a - b);
  return items.length > 0 ? { items } : undefined;
}
