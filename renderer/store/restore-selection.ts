import type { CanvasNode } from './types.ts';

/** The nodes of a restored undo step with their selection, and the node the Inspector shows. */
export interface RestoredSelection {
  nodes: CanvasNode[];
  selectedNodeId: string | undefined;
}

/**
 * The selection after undo or redo swaps `current` for `restored`: the nodes the step brings
 * back or changes (their content, not only their position) are selected, so the Inspector shows
 * what was undone; when the step changed no node, the current selection stays where it still
 * exists. Either way the canvas flags and the Inspector's node agree.
 */
export function restoreSelection(current: readonly CanvasNode[], restored: readonly CanvasNode[], currentSelectedId: string | undefined): RestoredSelection {
  const before = new Map(current.map((node) => [node.id, node]));
  const changed = new Set(restored.filter((node) => before.get(node.id)?.data !== node.data).map((node) => node.id));
  const keep = new Set(current.filter((node) => node.selected === true).map((node) => node.id));
  const chosen = changed.size > 0 ? changed : keep;
  const nodes = restored.map((node) => {
    const selected = chosen.has(node.id);
    return (node.selected === true) === selected ? node : { ...node, selected };
  });
  const playbookIds = nodes.filter((node) => node.type === 'playbook' && chosen.has(node.id)).map((node) => node.id);
  const selectedNodeId = changed.size > 0 ? playbookIds[0] : playbookIds.includes(currentSelectedId ?? '') ? currentSelectedId : playbookIds[0];
  return { nodes, selectedNodeId };
}
