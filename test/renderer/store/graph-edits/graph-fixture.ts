import { indexCatalogue } from '../../../../renderer/store/catalogue-slice.ts';
import type { GraphValue } from '../../../../renderer/store/graph-edits/graph-value.ts';
import { fromPlaybook } from '../../../../renderer/store/playbook-to-canvas.ts';
import type { CanvasNode } from '../../../../renderer/store/types.ts';
import { catalogue, samplePlaybook } from '../../catalogue-fixture.ts';

/** The fixture catalogue indexed by node type, as the catalogue slice holds it. */
export const actionsByType = indexCatalogue(catalogue);

/** The sample playbook as a plain graph value: four nodes, one note, three edges, nothing selected. */
export function sampleGraph(): GraphValue {
  return { ...fromPlaybook(samplePlaybook()), selectedNodeId: undefined };
}

/** The graph with exactly `ids` flagged selected (nodes and edges alike). */
export function withSelected(graph: GraphValue, ids: readonly string[]): GraphValue {
  const wanted = new Set(ids);
  return {
    ...graph,
    nodes: graph.nodes.map((node) => ({ ...node, selected: wanted.has(node.id) })),
    edges: graph.edges.map((edge) => ({ ...edge, selected: wanted.has(edge.id) })),
  };
}

export function nodeById(nodes: readonly CanvasNode[] | undefined, id: string): CanvasNode | undefined {
  return nodes?.find((node) => node.id === id);
}

export function selectedIds(nodes: readonly { id: string; selected?: boolean }[] | undefined): string[] {
  return (nodes ?? []).filter((item) => item.selected === true).map((item) => item.id);
}
