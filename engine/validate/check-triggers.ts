import type { PlaybookNode } from '../format/playbook.ts';
import { report } from './context.ts';
import type { CheckContext } from './context.ts';

/** Reports anything but exactly one trigger; returns the trigger ids found. */
export function checkTriggers(context: CheckContext): string[] {
  const { playbook, specs } = context;
  if (context.registry === undefined) return [];
  const triggers = playbook.nodes.filter((_, index) => specs[index]?.kind === 'trigger');
  const unknownTypes = specs.some((spec) => spec === undefined);
  if (triggers.length === 0 && !unknownTypes) {
    report(context, {
      code: 'TRIGGER_COUNT',
      message: 'the playbook has no trigger node; it needs exactly one to start its runs',
      path: 'nodes',
    });
  }
  if (triggers.length > 1) {
    const second = triggers[1] as PlaybookNode;
    report(context, {
      code: 'TRIGGER_COUNT',
      message: `the playbook has ${triggers.length} trigger nodes (${triggers.map((node) => node.id).join(', ')}); it needs exactly one`,
      nodeId: second.id,
      path: `nodes[${playbook.nodes.indexOf(second)}]`,
    });
  }
  return triggers.map((node) => node.id);
}
