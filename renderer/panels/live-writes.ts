import type { Playbook } from '../../engine/format/playbook.ts';
import { indexGraph, reachableFrom } from '../../engine/graph/graph.ts';
import type { CatalogueItem } from '../store/types.ts';

/** A node that would call a tool's write action (block, disable, create…) for real. */
export interface LiveWrite {
  id: string;
  name: string;
  /** The connector's name, so the question says which tool is touched. */
  connector: string;
}

/**
 * The write actions "Run from here" at `startId` would run: the start node and everything after
 * it whose catalogue action declares `effect: "write"` (the list a dry run simulates), leaving out
 * disabled nodes and pinned ones, which do not run. In the playbook's node order.
 */
export function liveWritesFrom(
  playbook: Pick<Playbook, 'nodes' | 'edges'>,
  startId: string,
  actionsByType: Readonly<Record<string, CatalogueItem>>,
  pinned: ReadonlySet<string>,
): LiveWrite[] {
  const runs = reachableFrom(indexGraph(playbook), [startId]);
  const writes: LiveWrite[] = [];
  for (const node of playbook.nodes) {
    if (!runs.has(node.id) || node.disabled === true || pinned.has(node.id)) continue;
    const item = actionsByType[node.type];
    if (item?.action.effect === 'write') writes.push({ id: node.id, name: node.name, connector: item.connector.name });
  }
  return writes;
}

/** The confirmation question naming the writes: "This will run 2 live writes: Block IP (PAN-OS), …. Run from here?" */
export function liveWritesQuestion(writes: readonly LiveWrite[]): string {
  const count = writes.length === 1 ? '1 live write' : `${writes.length} live writes`;
  return `This will run ${count}: ${writes.map((write) => `${write.name} (${write.connector})`).join(', ')}. Run from here?`;
}
