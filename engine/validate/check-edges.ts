import type { PlaybookNode } from '../format/playbook.ts';
import type { NodeTypeSpec } from '../node-type.ts';
import { hint, report, specOf } from './context.ts';
import type { CheckContext } from './context.ts';

/** Each edge must join two existing nodes, leave by a port its source has, and not lead into a trigger. */
export function checkEdges(context: CheckContext): void {
  const { graph, playbook } = context;
  const ids = () => graph.ids;
  const portCache = new Map<string, string[] | undefined>();
  playbook.edges.forEach((edge, index) => {
    const from = graph.nodes.get(edge.from);
    for (const [end, id] of [['from', edge.from], ['to', edge.to]] as const) {
      if (graph.nodes.has(id)) continue;
      const direction = end === 'from' ? 'comes from' : 'goes to';
      report(context, {
        code: 'EDGE_DANGLING',
        message: `edge ${edge.id} ${direction} node ${id || '""'}, which does not exist${hint(context, id, ids)}`,
        edgeId: edge.id,
        path: `edges[${index}].${end}`,
      });
    }
    if (from === undefined) return;
    if (!portCache.has(from.id)) portCache.set(from.id, portsOf(specOf(context, from.id), from));
    const ports = portCache.get(from.id);
    if (ports !== undefined && !ports.includes(edge.port)) {
      const has = ports.length === 0 ? 'it has no output ports' : `its ports are ${ports.join(', ')}`;
      report(context, {
        code: 'EDGE_UNKNOWN_PORT',
        message: `edge ${edge.id} leaves ${from.id} by port "${edge.port}", which ${from.type} does not have; ${has}`,
        edgeId: edge.id,
        nodeId: from.id,
        path: `edges[${index}].port`,
      });
    }
    if (specOf(context, edge.to)?.kind === 'trigger') {
      report(context, {
        code: 'EDGE_INTO_TRIGGER',
        message: `edge ${edge.id} leads into the trigger ${edge.to}; a trigger only starts runs and takes no input`,
        edgeId: edge.id,
        nodeId: edge.to,
        path: `edges[${index}].to`,
      });
    }
  });
}

/** Output ports of a node; undefined when its type is unknown or its spec cannot tell. */
function portsOf(spec: NodeTypeSpec | undefined, node: PlaybookNode): string[] | undefined {
  if (spec === undefined) return undefined;
  try {
    return spec.ports(node.params);
  } catch {
    return undefined;
  }
}
