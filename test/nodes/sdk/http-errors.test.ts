import { describe, expect, it } from 'vitest';
import { NodeError } from '../../../engine/errors.ts';
import { abortError, defaultVendorMessage, retryAfterFromHeaders, statusError } from '../../../nodes/sdk/http-errors.ts';

describe('defaultVendorMessage', () => {
  it.each([
    [{ error: { code: 'NotFoundError', message: 'Resource not found' } }, 'NotFoundError: Resource not found'],
    [{ errors: [{ detail: 'The max age in days must be between 1 and 365.', status: 422 }] }, 'The max age in days must be between 1 and 365.'],
    [{ meta: {}, errors: [{ code: 403, message: 'access denied, authorization failed' }] }, '403: access denied, authorization failed'],
    [{ errorMessages: ['Issue does not exist'], errors: {} }, 'Issue does not exist'],
    [{ errorCode: 'E0000011', errorSummary: 'Invalid token provided' }, 'E0000011: Invalid token provided'],
    [{ messages: [{ type: 'WARN', text: 'call not properly authenticated' }] }, 'call not properly authenticated'],
    [{ error: { root_cause: [], type: 'index_not_found_exception', reason: 'no such index [x]' }, status: 404 }, 'index_not_found_exception: no such index [x]'],
    [{ __type: 'com.amazonaws#ThrottlingException', message: 'Rate exceeded' }, 'ThrottlingException: Rate exceeded'],
    [{ ok: false, error: 'invalid_auth' }, 'invalid_auth'],
    [{ error: 'invalid_client', error_description: 'Bad secret' }, 'invalid_client: Bad secret'],
    [{ type: 'AuthenticationError', message: 'Authentication failure' }, 'AuthenticationError: Authentication failure'],
    ['Too many requests\nslow down', 'Too many requests'],
    ['<html><body>502</body></html>', undefined],
    [{ unrelated: true }, undefined],
  ])('reads %j', (body, expected) => {
    expect(defaultVendorMessage(body)).toBe(expected);
  });
});

describe('retryAfterFromHeaders', () => {
  const now = Date.UTC(2026, 0, 1);
  it('prefers Retry-After, then vendor reset headers in their various units', () => {
    expect(retryAfterFromHeaders({ 'retry-after': '3', 'x-ratelimit-reset': '99' }, now)).toBe(3_000);
    expect(retryAfterFromHeaders({ 'x-ratelimit-reset': '20' }, now)).toBe(20_000);
    expect(retryAfterFromHeaders({ 'x-rate-limit-reset': String(now / 1000 + 5) }, now)).toBe(5_000);
    expect(retryAfterFromHeaders({ 'x-ratelimit-reset': new Date(now + 8_000).toISOString() }, now)).toBe(8_000);
    expect(retryAfterFromHeaders({}, now)).toBeUndefined();
  });
});

describe('statusError', () => {
  it('keeps messages on one line, truncated, without secrets', () => {
    const body = { message: `line one\nline two ${'x'.repeat(500)} key-abcdef` };
    const error = statusError(400, body, {}, { vendor: 'Jira', secrets: ['key-abcdef'] });
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).not.toContain('\n');
    expect(error.message.length).toBeLessThanOrEqual(300);
    expect(error.message.startsWith('Jira 400 line one line two')).toBe(true);
  });

  it('falls back to the status text', () => {
    expect(statusError(503, '', { 'retry-after': '2' }, { vendor: 'X' }, 'Service Unavailable')).toMatchObject({
      code: 'VENDOR',
      message: 'X 503 Service Unavailable',
      retryAfterMs: 2_000,
    });
  });
});

describe('abortError', () => {
  it('tells a stop from a timeout', () => {
    const stopped = new AbortController();
    stopped.abort();
    expect(abortError(stopped.signal).code).toBe('CANCELLED');
    const timedOut = new AbortController();
    timedOut.abort(new NodeError('TIMEOUT', 'no answer within 5 ms'));
    expect(abortError(timedOut.signal).message).toBe('no answer within 5 ms');
    expect(abortError(AbortSignal.abort(new DOMException('t', 'TimeoutError'))).code).toBe('TIMEOUT');
  });
});
