import type { Playbook, PlaybookNode } from '../../engine/format/playbook.ts';
import { indexGraph, reachableFrom } from '../../engine/graph/graph.ts';
import type { CredentialView, SlotBinding } from '../../host/protocol/contract.ts';
import type { CatalogueItem } from '../store/types.ts';

/** A node that would call a tool's write action (block, disable, create…) for real. */
export interface LiveWrite {
  id: string;
  name: string;
  /** The connector's name, so the question says which tool is touched. */
  connector: string;
}

/** Where a run's calls go on this machine: the workspace's slot bindings, its credentials, and lab mode. */
export interface CallTargets {
  slots: readonly SlotBinding[];
  credentials: readonly CredentialView[];
  labMode: boolean;
}

/**
 * Whether a node's calls go to a lab twin rather than the real tool: its slot is bound to a lab
 * credential, or it is unbound in lab mode. A node with no slot is taken as real (asking is the safe side).
 */
export function reachesLabTwin(node: Pick<PlaybookNode, 'credential'>, targets: CallTargets): boolean {
  if (node.credential === undefined) return false;
  const binding = targets.slots.find((candidate) => candidate.slot === node.credential);
  if (binding?.credentialId === undefined || binding.credentialId === null) return targets.labMode;
  return targets.credentials.some((credential) => credential.id === binding.credentialId && credential.lab === true);
}

/**
 * The live write actions "Run from here" at `startId` would run: the start node and everything
 * after it whose catalogue action declares `effect: "write"` (the list a dry run simulates),
 * leaving out disabled and pinned nodes, which do not run, and those that would call a lab twin.
 * In the playbook's node order.
 */
export function liveWritesFrom(
  playbook: Pick<Playbook, 'nodes' | 'edges'>,
  startId: string,
  actionsByType: Readonly<Record<string, CatalogueItem>>,
  pinned: ReadonlySet<string>,
  targets: CallTargets,
): LiveWrite[] {
  const runs = reachableFrom(indexGraph(playbook), [startId]);
  const writes: LiveWrite[] = [];
  for (const node of playbook.nodes) {
    if (!runs.has(node.id) || node.disabled === true || pinned.has(node.id) || reachesLabTwin(node, targets)) continue;
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
