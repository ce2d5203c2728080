import { report } from './context.ts';
import type { CheckContext } from './context.ts';

/** Node ids and edge ids must each be unique: every repeat after the first is reported. */
export function checkIds(context: CheckContext): void {
  context.playbook.nodes.forEach((node, index) => {
    const first = context.nodeIndex.get(node.id) as number;
    if (first === index) return;
    report(context, {
      code: 'DUPLICATE_NODE_ID',
      message: `node id ${node.id} is used by nodes[${first}] and nodes[${index}]; ids must be unique`,
      nodeId: node.id,
      path: `nodes[${index}].id`,
    });
  });
  const edgeIds = new Map<string, number>();
  context.playbook.edges.forEach((edge, index) => {
    const first = edgeIds.get(edge.id);
    if (first === undefined) {
      edgeIds.set(edge.id, index);
      return;
    }
    report(context, {
      code: 'DUPLICATE_EDGE_ID',
      message: `edge id ${edge.id} is used by edges[${first}] and edges[${index}]; ids must be unique`,
      edgeId: edge.id,
      path: `edges[${index}].id`,
    });
  });
}
