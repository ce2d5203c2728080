import type { PlaybookNode } from '../format/playbook.ts';
import { report } from './context.ts';
import type { CheckContext } from './context.ts';
import { formatPath } from './problems.ts';

/**
 * Each node's credential slot (and each slot a sub-playbook node hands over) must be declared and
 * of the connector its type needs; a required credential must be bound; unused slots are warned about.
 */
export function checkCredentials(context: CheckContext): void {
  const { playbook, specs } = context;
  const slots = playbook.credentials;
  const declared = Object.keys(slots);
  const used = new Set<string>();
  playbook.nodes.forEach((node, index) => {
    const spec = specs[index];
    for (const [childSlot, slot] of passedSlots(node)) {
      used.add(slot);
      if (Object.hasOwn(slots, slot)) continue;
      report(context, {
        code: 'CREDENTIAL_UNKNOWN_SLOT',
        message: `node ${node.id} passes credential slot ${slot} to the sub-playbook's slot ${childSlot}, but this playbook does not declare ${slot}`,
        nodeId: node.id,
        path: formatPath(['nodes', index, 'params', 'credentials', childSlot]),
      });
    }
    const wanted = spec?.credentials;
    const at = { nodeId: node.id, path: `nodes[${index}].credential` };
    if (node.credential === undefined) {
      if (wanted?.required === true) {
        report(context, {
          code: 'CREDENTIAL_MISSING',
          message: `node ${node.id} needs a ${wanted.connector} credential; bind one of the playbook's credential slots`,
          ...at,
        });
      }
      return;
    }
    used.add(node.credential);
    if (!Object.hasOwn(slots, node.credential)) {
      const list = declared.length === 0 ? 'none are declared' : `declared: ${declared.join(', ')}`;
      report(context, {
        code: 'CREDENTIAL_UNKNOWN_SLOT',
        message: `node ${node.id} uses credential slot ${node.credential}, which the playbook does not declare (${list})`,
        ...at,
      });
      return;
    }
    const slot = slots[node.credential];
    if (spec === undefined || slot === undefined) return;
    if (wanted === undefined) {
      report(context, {
        severity: 'warning',
        code: 'CREDENTIAL_NOT_ACCEPTED',
        message: `node ${node.id} binds credential slot ${node.credential}, but ${node.type} takes no credential`,
        ...at,
      });
    } else if (slot.connector !== wanted.connector) {
      report(context, {
        code: 'CREDENTIAL_WRONG_CONNECTOR',
        message: `node ${node.id} uses slot ${node.credential}, a ${slot.connector} credential, but ${node.type} needs a ${wanted.connector} credential`,
        ...at,
      });
    }
  });
  for (const name of declared) {
    if (used.has(name)) continue;
    report(context, {
      severity: 'warning',
      code: 'CREDENTIAL_UNUSED',
      message: `credential slot ${name} is declared but no node uses it`,
      path: formatPath(['credentials', name]),
    });
  }
}

/** A sub-playbook node's explicit hand-over of credentials: child slot → this playbook's slot. */
function passedSlots(node: PlaybookNode): Array<[string, string]> {
  const passed = node.type.startsWith('core.playbook@') ? node.params.credentials : undefined;
  if (typeof passed !== 'object' || passed === null || Array.isArray(passed)) return [];
  return Object.entries(passed).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
}
