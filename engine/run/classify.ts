import type { NodeErrorCode } from '../errors.ts';

/** Maps an HTTP status of a failed call onto an error class. */
export function classifyStatus(status: number): NodeErrorCode {
  if (status === 401 || status === 403) return 'AUTH';
  if (status === 404 || status === 410) return 'NOT_FOUND';
  if (status === 408) return 'TIMEOUT';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 400 && status < 500) return 'BAD_REQUEST';
  return 'VENDOR';
}

/** System error codes raised before a request reached the server: always safe to retry. */
const BEFORE_SEND = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Classifies a transport failure. A connection lost after sending leaves a write's outcome
 * unknown, so it is not blindly retried unless the request was idempotent.
 */
export function classifyTransportError(systemCode: string | undefined, idempotent: boolean): NodeErrorCode {
  if (systemCode === 'ETIMEDOUT' || systemCode === 'ECONNABORTED') return idempotent ? 'TIMEOUT' : 'UNKNOWN_OUTCOME';
  if (systemCode !== undefined && BEFORE_SEND.has(systemCode)) return 'NETWORK';
  return idempotent ? 'NETWORK' : 'UNKNOWN_OUTCOME';
}
