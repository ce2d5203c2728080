import { connectionRefusal } from '../../canvas/connection-rules.ts';
import type { ConnectionAsked } from '../../canvas/connection-rules.ts';
import { edgeIdAllocator, toCanvasEdge } from '../playbook-to-canvas.ts';
import type { CatalogueItem } from '../types.ts';
import type { GraphEdit, GraphValue } from './graph-value.ts';

/**
 * The graph with the edge source → target from the source's port, numbered after the existing
 * edges; undefined when the connection is refused (see `connectionRefusal`) or names no port.
 */
export function connectEdit(graph: GraphValue, actionsByType: Readonly<Record<string, CatalogueItem>>, connection: ConnectionAsked): GraphEdit | undefined {
  const port = connection.sourceHandle;
  if (port === null || port === undefined) return undefined;
  if (connectionRefusal({ nodes: graph.nodes, edges: graph.edges, actionsByType }, connection) !== undefined) return undefined;
  const id = edgeIdAllocator(graph.edges)();
  return { edges: [...graph.edges, toCanvasEdge({ id, from: connection.source, port, to: connection.target })] };
}
