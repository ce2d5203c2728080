import { plainPathOfText } from '../expressions/fast-path.ts';
import { scanTemplate } from '../expressions/scan.ts';
import { checkValue, compileValue, isStaticValue, referencesOf } from '../expressions/template.ts';
import type { CompiledValue } from '../expressions/template.ts';
import { ExpressionError } from '../expressions/types.ts';
import type { PlaybookNode } from '../format/playbook.ts';
import { report } from './context.ts';
import type { CheckContext } from './context.ts';
import { formatPath } from './problems.ts';
import type { Template } from './templates.ts';

/** What a template reads: its scope roots, the nodes it names, and the dotted paths it follows. */
export interface FoundReferences {
  roots: ReadonlySet<string>;
  nodes: ReadonlySet<string>;
  dynamic: boolean;
  /** The dotted names each path from a root reads (`['nodes', 'fetch', 'output', 'url']`). */
  paths: Array<readonly string[]>;
}

/**
 * References of a template whose expressions are all plain dotted paths, read without JSONata
 * (whose parser costs ~0.1 ms an expression: too slow for 20,000 nodes); undefined otherwise.
 */
export function plainReferences(text: string): FoundReferences | undefined {
  let parts;
  try {
    parts = scanTemplate(text).parts;
  } catch {
    return undefined;
  }
  const roots = new Set<string>();
  const nodes = new Set<string>();
  const paths: Array<readonly string[]> = [];
  for (const part of parts) {
    if (part.kind === 'text') continue;
    const names = plainPathOfText(part.source.trim());
    if (names === undefined) return undefined;
    const [root, second] = names;
    roots.add(root as string);
    if (root === 'nodes' && second !== undefined) nodes.add(second);
    paths.push(names);
  }
  return { roots, nodes, dynamic: roots.size > 0, paths };
}

/** References through the real compiler; on a syntax error, reports every error and returns undefined. */
export function compiledReferences(context: CheckContext, node: PlaybookNode, template: Template, path: string): FoundReferences | undefined {
  const field = formatPath(template.path);
  let compiled: CompiledValue;
  try {
    compiled = compileValue(template.text, field);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    for (const found of checkValue(template.text, field)) {
      report(context, { code: 'EXPRESSION_SYNTAX', message: `node ${node.id}, ${found.message}`, nodeId: node.id, path });
    }
    return undefined;
  }
  return { ...referencesOf(compiled), dynamic: !isStaticValue(compiled) };
}
