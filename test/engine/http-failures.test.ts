import { describe, expect, it } from 'vitest';
import { classifyStatus, classifyTransportError, parseRetryAfter } from '../../engine/http-failures.ts';

describe('error classification', () => {
  it('maps statuses onto classes', () => {
    expect([401, 403, 404, 408, 429, 400, 422, 500, 503].map(classifyStatus)).toEqual(['AUTH', 'AUTH', 'NOT_FOUND', 'TIMEOUT', 'RATE_LIMITED', 'BAD_REQUEST', 'BAD_REQUEST', 'VENDOR', 'VENDOR']);
  });

  it('treats a lost connection after a write as an unknown outcome, before sending as retryable', () => {
    expect(classifyTransportError('ECONNRESET', false)).toBe('UNKNOWN_OUTCOME');
    expect(classifyTransportError('ECONNRESET', true)).toBe('NETWORK');
    expect(classifyTransportError('ECONNREFUSED', false)).toBe('NETWORK');
  });
});

describe('Retry-After', () => {
  const now = Date.UTC(2026, 10, 28, 12, 0, 0);
  it('parses Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
