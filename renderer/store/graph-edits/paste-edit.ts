import type { Fragment } from '../fragment.ts';
import { placeFragment } from '../fragment.ts';
import type { CanvasNode, CatalogueItem } from '../types.ts';
import { credentialSlotFor } from './credential-slot.ts';
import { deselected } from './graph-value.ts';
import type { GraphEdit, GraphValue } from './graph-value.ts';

/**
 * The graph with `fragment` pasted beside what is there (fresh ids, an offset, see
 * `placeFragment`), the pasted items alone selected and the last pasted node in the Inspector.
 * A pasted node whose credential slot this playbook lacks is bound to one here, as a new node
 * would be. Undefined when the fragment holds neither nodes nor notes.
 */
export function pasteEdit(
  graph: GraphValue,
  actionsByType: Readonly<Record<string, CatalogueItem>>,
  fragment: Fragment,
): { ids: string[]; edit: GraphEdit } | undefined {
  if (fragment.nodes.length === 0 && (fragment.notes?.length ?? 0) === 0) return undefined;
  const placed = placeFragment(fragment, graph);
  let playbook = graph.playbook;
  const nodes = placed.nodes.map((node): CanvasNode => {
    if (node.type !== 'playbook') return node;
    const slot = node.data.node.credential;
    if (playbook === undefined || (slot !== undefined && playbook.credentials[slot] !== undefined)) return node;
    const binding = credentialSlotFor(actionsByType[node.data.node.type], playbook);
    playbook = binding.playbook;
    if (binding.slot === undefined) return node;
    return { ...node, data: { node: { ...node.data.node, credential: binding.slot } } };
  });
  const lastNode = [...nodes].reverse().find((node) => node.type === 'playbook');
  return {
    ids: nodes.map((node) => node.id),
    edit: {
      playbook,
      nodes: [...deselected(graph.nodes), ...nodes],
      edges: [...deselected(graph.edges), ...placed.edges],
      selectedNodeId: lastNode?.id,
    },
  };
}
