import { findCycles } from '../graph/graph.ts';
import { report } from './context.ts';
import type { CheckContext } from './context.ts';

/** A playbook is acyclic: one problem per edge that closes a loop, naming the loop. */
export function checkCycles(context: CheckContext): void {
  for (const cycle of findCycles(context.graph, context.condensation)) {
    report(context, {
      code: 'PLAYBOOK_CYCLE',
      message: `edge ${cycle.edge.id} closes a loop ${cycle.nodes.join(' → ')}`,
      edgeId: cycle.edge.id,
      nodeId: cycle.edge.from,
      path: `edges[${context.edgeIndex.get(cycle.edge) ?? 0}]`,
    });
  }
}
