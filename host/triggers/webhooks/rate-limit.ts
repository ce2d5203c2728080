/** A token bucket: tokens left and when they were counted (epoch ms). */
export interface Bucket {
  tokens: number;
  at: number;
}

/** The bucket's answer: the bucket after the request, whether it may go on, and when to retry. */
export interface Take {
  bucket: Bucket;
  allowed: boolean;
  /** Milliseconds until one token is back (0 when allowed). */
  retryAfterMs: number;
}

/**
 * Takes one token from a bucket that refills `perMinute` tokens a minute and holds at most
 * `perMinute` (so a burst of a minute's worth is allowed, then the steady rate). Pure.
 */
export function takeToken(bucket: Bucket | undefined, perMinute: number, now: number): Take {
  const capacity = Math.max(1, perMinute);
  const perMs = perMinute / 60_000;
  const start = bucket ?? { tokens: capacity, at: now };
  const tokens = Math.min(capacity, start.tokens + Math.max(0, now - start.at) * perMs);
  if (tokens >= 1) return { bucket: { tokens: tokens - 1, at: now }, allowed: true, retryAfterMs: 0 };
  return { bucket: { tokens, at: now }, allowed: false, retryAfterMs: Math.ceil((1 - tokens) / perMs) };
}
