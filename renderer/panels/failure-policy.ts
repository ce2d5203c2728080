import type { RetryPolicy } from '../../engine/format/playbook.ts';
import { DEFAULT_RETRY } from '../../engine/run/retry.ts';

/** `500 ms`, `4 s`, `1.5 s`: a retry setting as short as it reads. */
function formatDelay(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${Number((ms / 1_000).toFixed(1))} s`;
}

/**
 * A node's effective retry policy in one line: its own `retry` over the engine's defaults, and
 * which they are, so the analyst sees what the executor will actually do on a failure.
 */
export function retrySummary(retry: RetryPolicy | undefined): string {
  const policy = { ...DEFAULT_RETRY, ...retry };
  const complete = retry !== undefined && (retry.maxAttempts === 1 || (retry.delayMs !== undefined && retry.maxDelayMs !== undefined));
  const source = retry === undefined ? 'defaults' : complete ? 'set here' : 'set here, the rest defaults';
  if (policy.maxAttempts === 1) return `1 attempt, no retry (${source})`;
  return `${policy.maxAttempts} attempts in all, backoff from ${formatDelay(policy.delayMs)} (full jitter), at most ${formatDelay(policy.maxDelayMs)} apart (${source})`;
}

/** The rules every retry follows, whatever the node sets. */
export const RETRY_RULES =
  'A vendor’s Retry-After is waited in full, never shortened; when it is beyond the cap (maxDelayMs) or the node’s time left (timeoutMs), the node fails RATE_LIMITED saying when the vendor accepts again. 4xx answers other than 408 and 429 are never retried.';

/**
 * What a write does when a send may or may not have reached the vendor, by whether it is
 * idempotent; undefined for reads, which are always safe to send again.
 */
export function writeSummary(action: { effect: 'read' | 'write'; idempotent: boolean } | undefined): string | undefined {
  if (action?.effect !== 'write') return undefined;
  if (action.idempotent) return 'Idempotent write: sending it twice acts once, so it is retried and resent like a read.';
  return 'Not idempotent: a request whose outcome is unknown (the connection dropped after it was sent) is not retried; the node fails UNKNOWN_OUTCOME. If the run stops while it is in flight, a resumed run asks whether to send it again (same idempotency key), mark it done or fail it.';
}
