/** A token bucket per connector: `ratePerSecond` refill, `burst` capacity. */
export interface TokenBucket {
  tokens: number;
  updatedAt: number;
}

export interface RateLimit {
  ratePerSecond: number;
  burst: number;
}

/**
 * Reserves one token at `now` and says how long to wait before using it. Tokens may go negative:
 * a reservation queues behind earlier ones, so concurrent callers are served in order.
 */
export function reserveToken(bucket: TokenBucket | undefined, limit: RateLimit, now: number): { bucket: TokenBucket; waitMs: number } {
  const previous = bucket ?? { tokens: limit.burst, updatedAt: now };
  const refilled = Math.min(limit.burst, previous.tokens + ((now - previous.updatedAt) / 1000) * limit.ratePerSecond);
  const tokens = refilled - 1;
  const waitMs = tokens >= 0 ? 0 : Math.ceil((-tokens / limit.ratePerSecond) * 1000);
  return { bucket: { tokens, updatedAt: now }, waitMs };
}
