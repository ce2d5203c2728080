import { NodeError, type NodeErrorCode } from '../errors.ts';
import type { RetryPolicy } from '../format/playbook.ts';

/** Retry defaults for nodes whose playbook entry sets none. */
export const DEFAULT_RETRY: Required<RetryPolicy> = { maxAttempts: 3, delayMs: 500, maxDelayMs: 30_000 };

/** Whether an error class is worth another attempt (never 4xx other than 408/429, never unknown outcomes). */
export function isRetryable(code: NodeErrorCode): boolean {
  return code === 'RATE_LIMITED' || code === 'VENDOR' || code === 'TIMEOUT' || code === 'NETWORK';
}

/**
 * Delay before attempt `attempt + 1`: full-jitter exponential backoff
 * (uniform in [0, min(cap, base·2^(attempt-1))]). When the vendor said when to come back, that
 * time is a promise, not a hint: never earlier, whatever `maxDelayMs` says.
 */
export function retryDelay(
  attempt: number,
  policy: Required<RetryPolicy>,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.max(0, retryAfterMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.delayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * The decision after a failed attempt: retry after a delay, or give up. A vendor's `Retry-After`
 * past what the node may wait (its retry cap `maxDelayMs`, or what is left of its `timeoutMs`)
 * gives up at once with a RATE_LIMITED error that says when the vendor would accept again.
 */
export function nextRetry(
  attempt: number,
  code: NodeErrorCode,
  policy: Required<RetryPolicy>,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
  budgetMs?: number,
): { retry: true; delayMs: number } | { retry: false; error?: NodeError } {
  if (attempt >= policy.maxAttempts || !isRetryable(code)) return { retry: false };
  const delayMs = retryDelay(attempt, policy, retryAfterMs, random);
  if (retryAfterMs !== undefined) {
    const limit = Math.min(policy.maxDelayMs, budgetMs ?? Number.POSITIVE_INFINITY);
    if (delayMs > limit) {
      const which = budgetMs !== undefined && budgetMs < policy.maxDelayMs ? `the ${Math.max(0, Math.round(budgetMs))} ms left of its timeout` : `its retry cap (maxDelayMs ${policy.maxDelayMs} ms)`;
      return { retry: false, error: new NodeError('RATE_LIMITED', `rate limited: the vendor accepts again in ${formatWait(delayMs)}, beyond ${which}; not retried early`, { retryAfterMs: delayMs }) };
    }
  }
  return { retry: true, delayMs };
}

function formatWait(ms: number): string {
  return ms >= 1000 ? `${Math.ceil(ms / 1000)} s` : `${ms} ms`;
}
