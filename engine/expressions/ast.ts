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
