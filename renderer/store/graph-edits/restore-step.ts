import { restoreSelection } from '../restore-selection.ts';
import type { GraphValue } from './graph-value.ts';
import type { Snapshot } from './history.ts';

/**
 * The graph an undo or redo shows: the step's nodes and edges, keeping the sizes React Flow has
 * measured since (so restored nodes do not blink unmeasured), the playbook's current revision
 * (the file on disk has not gone back), and a selection that shows what changed.
 */
export function restoredGraph(current: GraphValue, step: Snapshot): GraphValue {
  const measured = new Map(current.nodes.map((node) => [node.id, node.measured]));
  const measuredNodes = step.nodes.map((node) => {
    const size = measured.get(node.id);
    return node.measured === undefined && size !== undefined ? { ...node, measured: size } : node;
  });
  const playbook =
    step.playbook === undefined || current.playbook === undefined ? step.playbook : { ...step.playbook, revision: current.playbook.revision };
  const { nodes, selectedNodeId } = restoreSelection(current.nodes, measuredNodes, current.selectedNodeId);
  return { playbook, nodes, edges: step.edges, selectedNodeId };
}
