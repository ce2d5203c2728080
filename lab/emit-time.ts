import type { TwinResponse } from './twin.ts';

/**
 * When an emitted item says it happened, from `/_lab/emit`'s body: now, less `ageSeconds` (it was
 * indexed late), plus `skewSeconds` (the source's clock runs ahead, or behind when negative), as a
 * real SIEM or mailbox on another machine stamps it.
 */
export function emittedAt(body: Record<string, unknown>, now = Date.now()): number {
  const age = typeof body['ageSeconds'] === 'number' && body['ageSeconds'] >= 0 ? body['ageSeconds'] : 0;
  const skew = typeof body['skewSeconds'] === 'number' && Math.abs(body['skewSeconds']) <= 86_400 ? body['skewSeconds'] : 0;
  return now - age * 1000 + skew * 1000;
}

/** `/_lab/emit`'s body as an object; anything else counts as `{}` (one ordinary item). */
export function emitBody(raw: unknown): Record<string, unknown> {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

/** A text field of the emit body, or `fallback` when it is absent, empty or not text. */
export function emitText(body: Record<string, unknown>, key: string, fallback: string): string {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? value : fallback;
}

/** The answer to a `count` outside 1–1000. */
export const BAD_EMIT_COUNT: TwinResponse = { status: 400, body: { error: 'emit: count must be a whole number from 1 to 1000' } };

/** How many items to emit (default 1); undefined when `count` is outside 1–1000, answered with BAD_EMIT_COUNT. */
export function emitCount(body: Record<string, unknown>): number | undefined {
  const count = typeof body['count'] === 'number' && Number.isInteger(body['count']) ? body['count'] : 1;
  return count < 1 || count > 1_000 ? undefined : count;
}
