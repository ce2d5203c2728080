import type { NodeScope } from '../expressions/types.ts';
import type { NodeRunState } from './types.ts';

/**
 * The expression view of a node, made from the reducer's state so that expressions, the canvas
 * and the CLI read one truth (a skipped node is `skipped` everywhere). One exception, for paths:
 * a dry run's simulated write reads as `succeeded`, as it would in the real run; `run.dryRun`
 * tells the two apart.
 */
export function expressionView(node: NodeRunState): NodeScope {
  const view: NodeScope = { status: node.status === 'simulated' ? 'succeeded' : node.status };
  if (node.output !== undefined) view.output = node.output;
  if (node.error !== undefined) view.error = node.error;
  return view;
}
