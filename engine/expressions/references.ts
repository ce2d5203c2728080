import { isAstNode } from './ast.ts';
import type { AstNode } from './ast.ts';

/** What an expression reads: scope roots (`trigger`, `nodes`…) and upstream node ids (`nodes.<id>`). */
export interface References {
  roots: Set<string>;
  nodes: Set<string>;
  /**
   * The dotted names each path from a root reads, up to the first step that is not a plain name
   * or that filters (`nodes.a.output.items[0].name` → `['nodes', 'a', 'output', 'items']`).
   */
  paths: Array<readonly string[]>;
}

/** Whether names at this point of the AST are looked up on the scope or on some derived value. */
type Context = 'scope' | 'derived';

/** AST fields evaluated against each item of a result rather than the enclosing context. */
const DERIVED_FIELDS = new Set(['stages', 'predicate', 'group', 'terms', 'pattern', 'update', 'delete']);

/**
 * Adds the roots and node ids an expression reads to `into`, from the AST rather than the text,
 * so names inside strings, predicates (`items[type = "x"]`) or later path steps are not mistaken
 * for roots. References through a computed key (`nodes[$id]`, `$lookup(nodes, $id)`) yield the
 * root `nodes` but no id.
 */
export function collectReferences(ast: AstNode, into: References): void {
  visit(ast, 'scope', into);
}

/** What `collectReferences` finds in a plain dotted path from the scope (see plainPathOfText). */
export function referencesOfPlainPath(keys: readonly string[]): References {
  const [root, id] = keys;
  return {
    roots: new Set(root === undefined ? [] : [root]),
    nodes: new Set(root === 'nodes' && id !== undefined ? [id] : []),
    paths: root === undefined ? [] : [keys],
  };
}

function visit(value: unknown, context: Context, into: References): void {
  if (Array.isArray(value)) {
    for (const item of value) visit(item, context, into);
    return;
  }
  if (typeof value !== 'object' || value === null || value instanceof RegExp) return;
  if (isAstNode(value) && value.type === 'path' && Array.isArray(value.steps)) {
    visitPath(value.steps, context, into);
  }
  for (const [field, child] of Object.entries(value)) {
    if (field === 'steps' && isAstNode(value) && value.type === 'path') continue;
    visit(child, DERIVED_FIELDS.has(field) ? 'derived' : context, into);
  }
}

function visitPath(steps: readonly AstNode[], context: Context, into: References): void {
  const rootIndex = scopeRootIndex(steps, context);
  if (rootIndex >= 0) recordRoot(steps, rootIndex, into);
  for (const [index, step] of steps.entries()) {
    visit(step, index === 0 ? context : 'derived', into);
  }
}

/** Index of the step naming a scope root (`trigger.x` → 0, `$$.trigger.x` → 1), or -1. */
function scopeRootIndex(steps: readonly AstNode[], context: Context): number {
  const first = steps[0];
  if (!first) return -1;
  if (first.type === 'name') return context === 'scope' ? 0 : -1;
  if (first.type !== 'variable') return -1;
  if (first.value === '$' || (first.value === '' && context === 'scope')) return 1;
  return -1;
}

function recordRoot(steps: readonly AstNode[], index: number, into: References): void {
  const root = steps[index];
  if (root?.type !== 'name' || typeof root.value !== 'string') return;
  into.roots.add(root.value);
  into.paths.push(namesFrom(steps, index));
  if (root.value !== 'nodes' || hasFilter(root)) return;
  const id = steps[index + 1];
  if (id?.type === 'name' && typeof id.value === 'string') into.nodes.add(id.value);
}

/** The plain names of a path from `index`, through the first step that filters. */
function namesFrom(steps: readonly AstNode[], index: number): string[] {
  const names: string[] = [];
  for (let at = index; at < steps.length; at++) {
    const step = steps[at] as AstNode;
    if (step.type !== 'name' || typeof step.value !== 'string') break;
    names.push(step.value);
    if (hasFilter(step) || step.focus !== undefined || step.tuple !== undefined) break;
  }
  return names;
}

function hasFilter(step: AstNode): boolean {
  return step.stages !== undefined || step.predicate !== undefined;
}
