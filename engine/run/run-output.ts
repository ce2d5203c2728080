import type { Plan, PlannedNode } from './plan.ts';
import type { NodeRunState } from './types.ts';

/**
 * The end nodes of a playbook: the nodes the trigger reaches that have no outgoing edge (an error
 * edge counts). They are fixed by the graph, so the shape of a run's output never depends on
 * which branches ran.
 */
export function endNodes(plan: Plan): PlannedNode[] {
  let ends = endsByPlan.get(plan);
  if (ends === undefined) {
    ends = findEndNodes(plan);
    endsByPlan.set(plan, ends);
  }
  return ends;
}

/** Plans are built once per playbook and run many times: their end nodes are found once too. */
const endsByPlan = new WeakMap<Plan, PlannedNode[]>();

function findEndNodes(plan: Plan): PlannedNode[] {
  const reached = new Set<PlannedNode>(plan.triggers);
  const stack = [...plan.triggers];
  for (let node = stack.pop(); node; node = stack.pop()) {
    for (const edge of node.outgoing) {
      const target = plan.nodes[plan.edgeTarget[edge]!];
      if (target && !reached.has(target)) {
        reached.add(target);
        stack.push(target);
      }
    }
  }
  return plan.nodes.filter((node) => node.outgoing.length === 0 && reached.has(node));
}

/**
 * Whether an end node gave the run an output: it succeeded, a dry run simulated it (it stands for
 * the write it replaced), or the analyst skipped it with an output.
 */
function gaveOutput(node: NodeRunState | undefined): boolean {
  if (node === undefined) return false;
  return node.status === 'succeeded' || node.status === 'simulated' || (node.status === 'skipped' && node.source === 'user');
}

/**
 * A run's output, which a parent's `core.playbook` node outputs: with one end node, that node's
 * output (`null` when its branch did not run); with several, an object keyed by the id of each
 * end node that gave an output, for whichever branches ran (`{}` when none did).
 */
export function runOutput(plan: Plan, nodes: Readonly<Record<string, NodeRunState>>): unknown {
  const ends = endNodes(plan);
  if (ends.length === 1) {
    const only = nodes[ends[0]!.id];
    return gaveOutput(only) ? only!.output : null;
  }
  const output: Record<string, unknown> = {};
  for (const end of ends) if (gaveOutput(nodes[end.id])) output[end.id] = nodes[end.id]!.output;
  return output;
}
