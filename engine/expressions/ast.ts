/**
 * The parts of JSONata's AST (`expression.ast()`) this folder reads. jsonata.d.ts describes it only
 * loosely, so nodes are treated as open records and checked field by field.
 */
export interface AstNode {
  readonly type: string;
  readonly value?: unknown;
  readonly steps?: readonly AstNode[];
  readonly [field: string]: unknown;
}

/** True for an object that looks like a JSONata AST node. */
export function isAstNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** True when the node has no fields but these (so no predicate, group, focus, keep-array…). */
export function hasOnlyFields(node: AstNode, allowed: readonly string[]): boolean {
  for (const key of Object.keys(node)) {
    if (!allowed.includes(key)) return false;
  }
  return true;
}

/** Every node of `type` in an AST, depth first (JSONata's AST has no cycles). */
export function nodesOfType(root: unknown, type: string, found: AstNode[] = []): AstNode[] {
  if (Array.isArray(root)) {
    for (const item of root) nodesOfType(item, type, found);
  } else if (typeof root === 'object' && root !== null && !(root instanceof RegExp)) {
    if (isAstNode(root) && root.type === type) found.push(root);
    for (const child of Object.values(root)) nodesOfType(child, type, found);
  }
  return found;
}
