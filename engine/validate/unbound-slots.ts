import type { Playbook, PlaybookNode } from '../format/playbook.ts';
import { formatPath, type Problem } from './problems.ts';

/** The code of a run refused because a credential slot its nodes use has nothing behind it. */
export const CREDENTIAL_UNBOUND = 'CREDENTIAL_UNBOUND';

/** What the check reads of a playbook: its slots, and which node uses which (the editor passes its draft's). */
export interface SlotUse {
  credentials: Playbook['credentials'];
  nodes: readonly (Pick<PlaybookNode, 'id' | 'credential' | 'disabled'> & { type?: string })[];
}

/** What decides whether a slot can run: the slots that resolve, and whether the run is in lab mode. */
export interface SlotCheck {
  /** Slots that resolve to a credential (bound, or, in lab mode, served by the lab). */
  bound: ReadonlySet<string>;
  /** Lab mode: an unbound slot is one the lab has no twin for, so the hint differs. */
  lab: boolean;
  /** Nodes that will not call their tool in this run (pinned, reused): their slots need no binding. */
  idle?: ReadonlySet<string>;
}

/**
 * One error per credential slot that nodes of this run would use but that resolves to nothing,
 * naming the slot, its connector and those nodes; checked before a run starts, so a run never
 * silently falls back to anything (the lab least of all) and never fails half-way for a binding.
 */
export function unboundSlotProblems(playbook: SlotUse, check: SlotCheck): Problem[] {
  const users = new Map<string, string[]>();
  for (const node of playbook.nodes) {
    // A trigger's slot verifies deliveries before a run exists (a webhook's secret); the run never uses it.
    if (node.credential === undefined || node.disabled === true || check.idle?.has(node.id) === true || node.type?.startsWith('trigger.') === true) continue;
    users.set(node.credential, [...(users.get(node.credential) ?? []), node.id]);
  }
  const problems: Problem[] = [];
  for (const [slot, { connector }] of Object.entries(playbook.credentials)) {
    const nodes = users.get(slot);
    if (nodes === undefined || check.bound.has(slot)) continue;
    const hint = check.lab ? `bind it (the lab has no ${connector} twin)` : 'bind it or run in lab mode';
    problems.push({
      severity: 'error',
      code: CREDENTIAL_UNBOUND,
      message: `credential slot "${slot}" (${connector}) is not bound; used by ${nodes.length === 1 ? 'node' : 'nodes'} ${nodes.join(', ')} — ${hint}`,
      path: formatPath(['credentials', slot]),
      nodeId: nodes[0],
    });
  }
  return problems;
}
