import type { Playbook } from '../../engine/format/playbook.ts';

/** The ids a playbook has no node for, in the order given: each caller refuses them its own way. */
export function unknownNodeIds(ids: readonly string[], playbook: Pick<Playbook, 'nodes'>): string[] {
  const known = new Set(playbook.nodes.map((n) => n.id));
  return ids.filter((id) => !known.has(id));
}
