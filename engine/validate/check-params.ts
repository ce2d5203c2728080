import type * as z from 'zod';
import { report } from './context.ts';
import type { CheckContext } from './context.ts';
import { describeIssue, valueAt } from './issue-message.ts';
import { fieldLabel, nameOf } from './message-names.ts';
import { formatPath } from './problems.ts';
import type { PathSegment } from './problems.ts';

/**
 * Validation parses each schema a few times at most: compiling zod's fast path for it (its JIT)
 * costs more than it saves. Same results either way.
 */
export const ONE_SHOT_PARSE = { jitless: true } as const;

/**
 * Checks params against the node type's input schema. Values holding a template are only known
 * at run time, so issues on them (or on objects containing them) are dropped; a missing
 * required field is always reported.
 */
export function checkParams(context: CheckContext): void {
  context.playbook.nodes.forEach((node, index) => {
    const spec = context.specs[index];
    if (spec === undefined) return;
    let issues: readonly z.core.$ZodIssue[];
    try {
      const result = spec.input.safeParse(node.params, ONE_SHOT_PARSE);
      issues = result.success ? [] : result.error.issues;
    } catch {
      return;
    }
    const templated = (context.templates[index] ?? [])
      .filter((template) => template.dynamic && template.path[0] === 'params')
      .map((template) => template.path.slice(1));
    for (const issue of issues) {
      const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
      for (const relative of paths as PathSegment[][]) {
        if (templated.some((path) => overlaps(path, relative))) continue;
        const value = valueAt(node.params, relative);
        const field = formatPath(['params', ...relative]);
        // A required union (`ipv4 | ipv6`) that is absent or empty fails as invalid_union: still "is required".
        const missing = (issue.code === 'invalid_type' || issue.code === 'invalid_union') && value === undefined;
        const empty = (issue.code === 'too_small' || issue.code === 'invalid_union') && value === '';
        const message =
          issue.code === 'unrecognized_keys'
            ? `node ${node.id}: ${field} is not a parameter of ${node.type}`
            : missing || empty
              ? `${nameOf(node)}: ${fieldLabel(spec.input, relative)} is required`
              : `node ${node.id}: ${describeIssue(issue, field, value)}`;
        report(context, {
          code: missing ? 'PARAM_REQUIRED' : 'PARAM_INVALID',
          message,
          nodeId: node.id,
          path: `nodes[${index}].${field}`,
        });
      }
    }
  });
}

/** Whether one path is a prefix of the other (the same field, inside it, or around it). */
function overlaps(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}
