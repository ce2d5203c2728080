import type { PolledItem, PollWindow } from '../../../nodes/sdk/poll-trigger.ts';

/**
 * A poller's cursor as the inbox stores it (JSON text, committed with the events of the poll that
 * produced it): when that poll started, and the keys already taken inside the look-back window,
 * so the overlap of consecutive windows is skipped rather than recorded again.
 */
export interface PollCursor {
  /** Epoch ms at which the last committed poll started. */
  at: number;
  /** Dedupe key → when a poll last returned it (epoch ms), for the keys a window could still return. */
  seen: Record<string, number>;
  /** The trigger's own cursor value (the generic HTTP poll's `cursor` expression result), when its spec keeps one. */
  value?: string;
}

/** Most keys a cursor remembers; beyond that the oldest are dropped and the inbox's own dedupe catches repeats. */
const MAX_SEEN_KEYS = 10_000;

/** The inbox key of a trigger's cursor. */
export function cursorKey(playbookId: string, triggerNodeId: string): string {
  return `poll:${playbookId}:${triggerNodeId}`;
}

/** Reads a stored cursor; anything unreadable counts as none (the poller then starts from now). */
export function parseCursor(text: string | undefined): PollCursor | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as { at?: unknown; seen?: unknown; value?: unknown };
    if (typeof value.at !== 'number' || value.seen === null || typeof value.seen !== 'object') return undefined;
    const seen: Record<string, number> = {};
    for (const [key, time] of Object.entries(value.seen as Record<string, unknown>)) if (typeof time === 'number') seen[key] = time;
    return typeof value.value === 'string' ? { at: value.at, seen, value: value.value } : { at: value.at, seen };
  } catch {
    return undefined;
  }
}

/** The window a poll at `now` reads: from the cursor (or now, for a first poll) minus the look-back, with the trigger's own cursor value. */
export function pollWindow(cursor: PollCursor | undefined, now: number, lookbackMs: number): PollWindow {
  const window: PollWindow = { from: Math.min(cursor?.at ?? now, now) - lookbackMs, to: now };
  if (cursor?.value !== undefined) window.cursor = cursor.value;
  return window;
}

/** What one poll commits: the items not taken before, oldest first, and the cursor that goes with them. */
export interface PollBatch {
  fresh: PolledItem[];
  /** Items of the window whose key the cursor already holds (the overlap of windows, or a repeat). */
  skipped: number;
  cursor: PollCursor;
}

/**
 * Decides a poll's batch (pure): items whose key the cursor holds are skipped, the rest are taken
 * in time order (a repeat inside one poll goes to the inbox, which records it as a duplicate). The
 * new cursor starts at `startedAt`; each key it holds is stamped with the last poll that returned
 * it, and forgotten once no window since the previous poll's could return it. The trigger's own
 * cursor value becomes `value` when given, else the previous one is kept.
 */
export function decideBatch(cursor: PollCursor | undefined, items: readonly PolledItem[], startedAt: number, lookbackMs: number, value?: string): PollBatch {
  const seen = { ...(cursor?.seen ?? {}) };
  const fresh: PolledItem[] = [];
  let skipped = 0;
  for (const item of items) {
    if (Object.hasOwn(seen, item.key)) skipped += 1;
    else fresh.push(item);
  }
  fresh.sort((a, b) => (a.time ?? startedAt) - (b.time ?? startedAt));
  for (const item of items) seen[item.key] = startedAt;
  const keepFrom = Math.min(cursor?.at ?? startedAt, startedAt) - lookbackMs;
  const kept = Object.entries(seen)
    .filter(([, time]) => time >= keepFrom)
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_SEEN_KEYS);
  const next: PollCursor = { at: Math.max(startedAt, cursor?.at ?? startedAt), seen: Object.fromEntries(kept) };
  const nextValue = value ?? cursor?.value;
  if (nextValue !== undefined) next.value = nextValue;
  return { fresh, skipped, cursor: next };
}
