import { replayRun } from '../../engine/run/reducer.ts';
import type { RunEvent } from '../../engine/run/events.ts';
import type { RunState } from '../../engine/run/types.ts';

/** A finished run being stepped through: its whole journal, and how many of its events are shown. */
export interface Replay {
  events: RunEvent[];
  /** Events applied, from 1 (the run started) to `events.length` (the run as it ended). */
  cursor: number;
  /** The run as opened (recovered when interrupted): what the last position shows. */
  end: RunState;
}

/** Keeps a cursor within 1…`total`, so the first event (the run starting) is always shown. */
export function clampCursor(cursor: number, total: number): number {
  if (total === 0) return 0;
  return Math.min(total, Math.max(1, Math.round(cursor)));
}

/**
 * The run as it stood after the first `cursor` events, rebuilt with the engine's reducer (the
 * same one the live view uses), so a step back shows exactly what the canvas showed then.
 */
export function runAt(replay: Replay, cursor: number): RunState | undefined {
  const at = clampCursor(cursor, replay.events.length);
  if (at === replay.events.length) return replay.end;
  return replayRun(replay.events.slice(0, at));
}
