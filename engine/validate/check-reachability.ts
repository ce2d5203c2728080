import { reachableFrom } from '../graph/graph.ts';
import { report } from './context.ts';
import type { CheckContext } from './context.ts';

/** Warns about nodes no path from the trigger reaches: they never run. Skipped without a trigger. */
export function checkReachability(context: CheckContext, triggers: readonly string[]): void {
  if (triggers.length === 0) return;
  const reached = reachableFrom(context.graph, triggers);
  const start = triggers.join(', ');
  context.playbook.nodes.forEach((node, index) => {
    if (reached.has(node.id) || context.nodeIndex.get(node.id) !== index) return;
    report(context, {
      severity: 'warning',
      code: 'NODE_UNREACHABLE',
      message: `node ${node.id} is not reachable from the trigger ${start}, so it never runs`,
      nodeId: node.id,
      path: `nodes[${index}]`,
    });
  });
}
