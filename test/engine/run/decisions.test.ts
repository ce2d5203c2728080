import { describe, expect, it } from 'vitest';
import { isEdgeTaken, joinDecision, pauseReason } from '../../../engine/run/readiness.ts';
import { DEFAULT_RETRY, isRetryable, nextRetry, retryDelay } from '../../../engine/run/retry.ts';
import { reserveToken } from '../../../engine/run/rate-limit.ts';

describe('readiness', () => {
  it('takes the edge on the port a node succeeded on, and error edges of handled failures', () => {
    expect(isEdgeTaken('true', { kind: 'succeeded', port: 'true' })).toBe(true);
    expect(isEdgeTaken('false', { kind: 'succeeded', port: 'true' })).toBe(false);
    expect(isEdgeTaken('error', { kind: 'failed', handled: true })).toBe(true);
    expect(isEdgeTaken('out', { kind: 'failed', handled: true })).toBe(false);
    expect(isEdgeTaken('out', { kind: 'skipped', reason: 'dead-path' })).toBe(false);
    expect(isEdgeTaken('out', { kind: 'skipped', reason: 'disabled' })).toBe(true);
  });

  it('joins: any needs one taken edge, all needs every edge', () => {
    expect(joinDecision('any', 1, 3)).toBe('run');
    expect(joinDecision('any', 0, 3)).toBe('dead-path');
    expect(joinDecision('all', 3, 3)).toBe('run');
    expect(joinDecision('all', 2, 3)).toBe('join');
    expect(joinDecision('all', 0, 3)).toBe('dead-path');
  });

  it('pauses on request first, then in step mode, then at breakpoints', () => {
    expect(pauseReason('run', true, false)).toBe('pause');
    expect(pauseReason('step', false, true)).toBe('step');
    expect(pauseReason('run', false, true)).toBe('breakpoint');
    expect(pauseReason('run', false, false)).toBeUndefined();
  });
});

describe('retry', () => {
  it('draws full-jitter backoff below an exponentially growing cap', () => {
    const policy = { maxAttempts: 5, delayMs: 100, maxDelayMs: 1000 };
    expect(retryDelay(1, policy, undefined, () => 0.999)).toBe(99);
    expect(retryDelay(3, policy, undefined, () => 0.999)).toBe(399);
    expect(retryDelay(9, policy, undefined, () => 0.999)).toBe(999);
    expect(retryDelay(2, policy, undefined, () => 0)).toBe(0);
  });

  it('lets Retry-After win over backoff, and never shortens it', () => {
    expect(retryDelay(1, DEFAULT_RETRY, 7000, () => 0)).toBe(7000);
    expect(retryDelay(1, DEFAULT_RETRY, 10_000_000, () => 0)).toBe(10_000_000);
  });

  it('gives up with RATE_LIMITED when Retry-After is past the retry cap or the time left', () => {
    const capped = nextRetry(1, 'RATE_LIMITED', DEFAULT_RETRY, 60_000);
    expect(capped).toMatchObject({ retry: false, error: { code: 'RATE_LIMITED', retryAfterMs: 60_000 } });
    expect(nextRetry(1, 'RATE_LIMITED', DEFAULT_RETRY, 3_000, Math.random, 2_000)).toMatchObject({ retry: false, error: { code: 'RATE_LIMITED' } });
    expect(nextRetry(1, 'RATE_LIMITED', DEFAULT_RETRY, 30_000)).toEqual({ retry: true, delayMs: 30_000 });
  });

  it('retries only transient classes and only while attempts remain', () => {
    expect(['RATE_LIMITED', 'VENDOR', 'TIMEOUT', 'NETWORK'].every((c) => isRetryable(c as never))).toBe(true);
    expect(['AUTH', 'NOT_FOUND', 'BAD_REQUEST', 'UNKNOWN_OUTCOME', 'CANCELLED', 'INVALID_INPUT'].some((c) => isRetryable(c as never))).toBe(false);
    expect(nextRetry(3, 'VENDOR', { ...DEFAULT_RETRY, maxAttempts: 3 }, undefined)).toEqual({ retry: false });
    expect(nextRetry(1, 'RATE_LIMITED', DEFAULT_RETRY, 1500)).toEqual({ retry: true, delayMs: 1500 });
  });
});

describe('token bucket', () => {
  it('serves a burst at once, then one token per 1/rate seconds, in order', () => {
    const limit = { ratePerSecond: 2, burst: 2 };
    let bucket = undefined;
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = reserveToken(bucket, limit, 0);
      bucket = r.bucket;
      waits.push(r.waitMs);
    }
    expect(waits).toEqual([0, 0, 500, 1000]);
    expect(reserveToken(bucket, limit, 10_000).waitMs).toBe(0);
  });
});

describe('reduceRun', () => {
  it('never changes the state it was given, even when a finished run marks its paused node not run', async () => {
    const { reduceRun } = await import('../../../engine/run/reducer.ts');
    const base = { seq: 1, runId: 'r', at: 0 };
    let state = reduceRun(undefined, { ...base, type: 'run.started', playbookId: 'p', playbookName: 'P', revision: 1, mode: 'step', dryRun: false, trigger: {}, nodeIds: ['a'] });
    state = reduceRun(state, { ...base, seq: 2, type: 'run.paused', nodeId: 'a', reason: 'step', input: {} });
    const paused = structuredClone(state);
    const finished = reduceRun(state, { ...base, seq: 3, type: 'run.finished', status: 'cancelled', durationMs: 1 });
    expect(state).toEqual(paused);
    expect(finished.nodes.a?.status).toBe('not-run');
  });
});
