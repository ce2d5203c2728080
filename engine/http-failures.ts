import type { NodeErrorCode } from './errors.ts';

/*
 * How a failed HTTP call maps onto the run's error classes and retry timing: the part of the run
 * semantics (DESIGN.md §5) connectors apply themselves, through nodes/sdk/http-errors.ts. It lives
 * outside engine/run/ because connectors may import the engine's contracts, never its executor.
 */

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

/**
 * Parses a `Retry-After` header: delta-seconds or an HTTP date. Returns milliseconds from `nowMs`
 * (never negative), or undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === undefined || header === null) return undefined;
  const text = String(header).trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
