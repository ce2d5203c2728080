/** The roots an expression can read (DESIGN.md §4). Secrets are never among them. */
export interface ExpressionScope {
  trigger: unknown;
  nodes: Record<string, NodeScope>;
  item?: unknown;
  index?: number;
  vars: Record<string, unknown>;
  run: { id: string; started: number; mode: string; dryRun: boolean };
}

export interface NodeScope {
  output?: unknown;
  status: string;
  error?: unknown;
}

export interface ExpressionLimits {
  /** Wall-clock budget of one evaluation. */
  timeoutMs: number;
  /** Deepest allowed evaluation stack: nested function calls (recursion in user-defined functions). */
  maxDepth: number;
  /** Longest string any step may produce, in characters (default 10,000,000). */
  maxStringLength?: number;
  /** Most items any step's list may hold (default 1,000,000; the range `[1..n]` included). */
  maxItems?: number;
}

/**
 * One second, 200 nested calls, 10 M characters, 1 M items: far above any playbook's needs, and
 * low enough that no single step can hold the host for long or grow it by more than tens of MB.
 */
export const DEFAULT_EXPRESSION_LIMITS: Required<ExpressionLimits> = { timeoutMs: 1_000, maxDepth: 200, maxStringLength: 10_000_000, maxItems: 1_000_000 };

export type ExpressionErrorCode = 'EXPRESSION_SYNTAX' | 'EXPRESSION_EVAL' | 'EXPRESSION_TIMEOUT' | 'EXPRESSION_DEPTH' | 'EXPRESSION_SIZE';

/** A template that failed to parse or evaluate; `path` names the param (`params.url`). */
export class ExpressionError extends Error {
  readonly code: ExpressionErrorCode;
  readonly path: string;
  /** Character offset inside the expression, when JSONata gives one. */
  readonly position?: number;

  constructor(code: ExpressionErrorCode, path: string, message: string, position?: number) {
    super(message);
    this.name = 'ExpressionError';
    this.code = code;
    this.path = path;
    this.position = position;
  }
}
