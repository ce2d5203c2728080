/**
 * Classes of node failure. The executor's retry decisions read only these, so every
 * connector maps its vendor's failures onto them (the SDK does it for HTTP errors).
 */
export type NodeErrorCode =
  | 'AUTH' // bad credential: 401/403
  | 'NOT_FOUND' // 404
  | 'RATE_LIMITED' // 429 (or a vendor's own throttling signal)
  | 'BAD_REQUEST' // other 4xx: our input was refused
  | 'VENDOR' // 5xx or a vendor error body: the vendor's own message is kept
  | 'TIMEOUT' // no answer within the node's timeout (or a 408)
  | 'NETWORK' // connection refused/reset before the request was sent
  | 'UNKNOWN_OUTCOME' // connection lost after a non-idempotent request was sent
  | 'CANCELLED' // the run was stopped
  | 'EGRESS_DENIED' // the egress policy refused the destination (or a credential's host binding did): never retried
  | 'INVALID_INPUT' // params failed the action's input schema
  | 'EXPRESSION' // a template failed to evaluate
  | 'OUTPUT_TOO_LARGE' // an output (or input) over the run's size limit: it could not be journalled
  | 'OUTPUT_TOO_DEEP' // an output (or input) nested past the run's depth limit
  | 'FAILED'; // a deliberate failure (core.fail) or anything else

export interface NodeErrorInit {
  status?: number;
  retryAfterMs?: number;
  vendor?: string;
  details?: unknown;
}

/** A failure a node reports; plain data so it can be journalled and shown in the UI. */
export class NodeError extends Error {
  readonly code: NodeErrorCode;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly vendor?: string;
  readonly details?: unknown;

  constructor(code: NodeErrorCode, message: string, init: NodeErrorInit = {}) {
    super(message);
    this.name = 'NodeError';
    this.code = code;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.vendor = init.vendor;
    this.details = init.details;
  }
}

/** The serialisable form of a node error, as it appears in events and expressions. */
export interface NodeErrorInfo {
  code: NodeErrorCode;
  message: string;
  status?: number;
  vendor?: string;
  details?: unknown;
}

export function toErrorInfo(err: unknown): NodeErrorInfo {
  if (err instanceof NodeError) {
    const info: NodeErrorInfo = { code: err.code, message: err.message };
    if (err.status !== undefined) info.status = err.status;
    if (err.vendor !== undefined) info.vendor = err.vendor;
    if (err.details !== undefined) info.details = err.details;
    return info;
  }
  if (err instanceof Error) return { code: 'FAILED', message: err.message };
  return { code: 'FAILED', message: String(err) };
}
