import type { CheckContext } from './context.ts';
import { report } from './context.ts';
import { checkReferences } from './check-references.ts';
import type { Reference } from './check-references.ts';
import { checkTriggerReads } from './check-trigger-reads.ts';
import type { TriggerRead } from './check-trigger-reads.ts';
import { labelOfTemplate } from './message-names.ts';
import { formatPath } from './problems.ts';
import { compiledReferences, plainReferences } from './template-references.ts';

/** The roots an expression may read (DESIGN.md §4). */
const SCOPE_ROOTS = ['trigger', 'nodes', 'item', 'index', 'vars', 'run'];

/**
 * Parses every template (so a typo shows before anything runs), then checks that each
 * `nodes.<id>` it reads exists and runs before the reading node.
 */
export function checkExpressions(context: CheckContext, triggers: readonly string[]): void {
  const references: Reference[] = [];
  const triggerReads: TriggerRead[] = [];
  context.playbook.nodes.forEach((node, nodeIndex) => {
    for (const template of context.templates[nodeIndex] ?? []) {
      const field = formatPath(template.path);
      const path = `nodes[${nodeIndex}].${field}`;
      // Read off the schema only when a message needs it: most templates have none.
      const label = () => labelOfTemplate(context.specs[nodeIndex], template.path);
      const found = plainReferences(template.text) ?? compiledReferences(context, node, template, path);
      if (found === undefined) continue;
      template.dynamic = found.dynamic;
      const { roots, nodes } = found;
      for (const root of roots) {
        if (SCOPE_ROOTS.includes(root)) continue;
        report(context, {
          severity: 'warning',
          code: 'EXPRESSION_UNKNOWN_ROOT',
          message: `node ${node.id}, ${field} reads ${root}, which is not in scope (${SCOPE_ROOTS.join(', ')})`,
          nodeId: node.id,
          path,
        });
      }
      const plain = distinctPaths(found.paths);
      for (const target of nodes) {
        const reads = plain.filter((names) => names[0] === 'nodes' && names[1] === target).map((names) => names.slice(2));
        references.push({ nodeIndex, field, path, target, label, reads });
      }
      for (const names of plain) {
        if (names[0] === 'trigger' && names.length > 1) triggerReads.push({ nodeIndex, label, path, steps: names.slice(1) });
      }
    }
  });
  checkReferences(context, references);
  checkTriggerReads(context, triggers, triggerReads);
}

/** Paths without repeats, so a field read twice in one template is reported once. */
function distinctPaths(paths: ReadonlyArray<readonly string[]>): Array<readonly string[]> {
  const seen = new Set<string>();
  return paths.filter((names) => {
    const key = names.join('.');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
