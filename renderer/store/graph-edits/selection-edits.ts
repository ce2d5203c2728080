import type { CanvasNode } from '../types.ts';
import type { GraphEdit, GraphValue } from './graph-value.ts';

/**
 * Only `nodeId` selected (nothing when undefined or unknown); the Inspector follows only a
 * playbook node, not a note. `target` is the node picked, for revealing it on the canvas.
 */
export function selectEdit(nodes: readonly CanvasNode[], nodeId: string | undefined): { edit: GraphEdit; target: CanvasNode | undefined } {
  const target = nodeId === undefined ? undefined : nodes.find((node) => node.id === nodeId);
  const next = nodes.map((node) => {
    const selected = node.id === target?.id;
    return (node.selected === true) === selected ? node : { ...node, selected };
  });
  return { edit: { nodes: next, selectedNodeId: target?.type === 'playbook' ? target.id : undefined }, target };
}

/** Every node and edge selected, reusing the ones that already were. */
export function selectAllEdit(graph: GraphValue): GraphEdit {
  return {
    nodes: graph.nodes.map((node) => (node.selected === true ? node : { ...node, selected: true })),
    edges: graph.edges.map((edge) => (edge.selected === true ? edge : { ...edge, selected: true })),
  };
}

/**
 * The graph without its selected nodes, their edges and the selected edges; undefined when
 * nothing is selected, so pressing Delete on nothing records no undo step.
 */
export function deleteSelectionEdit(graph: GraphValue): GraphEdit | undefined {
  const removed = new Set(graph.nodes.filter((node) => node.selected === true).map((node) => node.id));
  const edges = graph.edges.filter((edge) => edge.selected !== true && !removed.has(edge.source) && !removed.has(edge.target));
  if (removed.size === 0 && edges.length === graph.edges.length) return undefined;
  const nodes = removed.size === 0 ? graph.nodes : graph.nodes.filter((node) => !removed.has(node.id));
  const selectedNodeId = graph.selectedNodeId !== undefined && removed.has(graph.selectedNodeId) ? undefined : graph.selectedNodeId;
  return { nodes, edges, selectedNodeId };
}
