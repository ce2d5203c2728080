import type { NodeStatus } from './events.ts';
import type { NodeRunState } from './types.ts';

/** A node status as people read it (`not run`, not `not-run`), the same on canvas, panel and CLI. */
export function nodeStatusLabel(status: NodeStatus): string {
  return status === 'not-run' ? 'not run' : status;
}

/** The nodes that called a lab twin (through a lab credential), in the run's node order, for LAB marks. */
export function labNodes(nodes: Readonly<Record<string, NodeRunState>>): string[] {
  return Object.keys(nodes).filter((id) => nodes[id]!.lab === true);
}

/** The nodes a failed or stopped run never ran, in the run's node order, for "not run: …" lines. */
export function notRunNodes(nodes: Readonly<Record<string, NodeRunState>>): string[] {
  return Object.keys(nodes).filter((id) => nodes[id]!.status === 'not-run');
}
