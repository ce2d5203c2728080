import type { NodeRegistry } from '../node-type.ts';
import { report } from './context.ts';
import type { CheckContext } from './context.ts';

/** One problem per node of an unknown type, each listing every unknown type of the playbook. */
export function checkTypes(context: CheckContext): void {
  const { registry, playbook, specs } = context;
  if (registry === undefined) return;
  const unknown = [...new Set(playbook.nodes.filter((_, index) => specs[index] === undefined).map((node) => node.type))];
  if (unknown.length === 0) return;
  const versions = installedVersions(registry);
  const all = unknown.length > 1 ? `; unknown types in this playbook: ${unknown.join(', ')}` : '';
  playbook.nodes.forEach((node, index) => {
    if (specs[index] !== undefined) return;
    const installed = versions.get(node.type.replace(/@\d+$/, ''));
    const other = installed === undefined ? '' : ` (installed: ${installed.join(', ')})`;
    report(context, {
      code: 'UNKNOWN_NODE_TYPE',
      message: `node ${node.id} has type ${node.type}, which is not installed${other}${all}`,
      nodeId: node.id,
      path: `nodes[${index}].type`,
    });
  });
}

/** The installed versions of each type, by its name without `@version`, so a message can name them. */
function installedVersions(registry: NodeRegistry): Map<string, string[]> {
  const versions = new Map<string, string[]>();
  for (const type of registry.keys()) {
    const base = type.replace(/@\d+$/, '');
    versions.set(base, [...(versions.get(base) ?? []), type]);
  }
  return versions;
}
