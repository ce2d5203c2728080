import { parseEvent } from '../../engine/journal/journal-format.ts';
import type { RunEvent } from '../../engine/run/events.ts';
import type { Database } from './db/database.ts';
import { JOURNAL_CHANNEL, parseAnnouncement } from './journal-channel.ts';

/** Which runs the feed leaves out. */
export interface JournalFeedOptions {
  /** Runs not to read (the team server's own runs, which it streams already). Asked at each announcement. */
  skip?: (runId: string) => boolean;
}

/** A feed that is following; `close` stops it once a read under way has been delivered. */
export interface JournalFeed {
  close(): Promise<void>;
}

/** What the feed still has to read of one run: rows `next`…`last`. */
interface Want {
  next: number;
  last: number;
}

/** Reads the wanted ranges of every announced run in one query, in seq order per run. */
const READ_RANGES = `
SELECT j.run_id, j.seq, j.line
FROM unnest($1::text[], $2::int[], $3::int[]) AS w(run_id, lo, hi)
JOIN sb_journal j ON j.run_id = w.run_id AND j.seq BETWEEN w.lo AND w.hi
ORDER BY j.run_id, j.seq`;

/** The last row of a run as far as a catch-up read knows: every row there is (seq is a 32-bit integer). */
const TO_THE_END = 2_147_483_647;

/** Delay before reading again after a failed read (the database went away for a moment). */
const RETRY_MS = 1_000;

/**
 * Adds an announcement to what the feed wants of a run: from where it left off (or, for a run it
 * has not seen, from the first announced row) up to the newest announced row.
 */
export function wantMore(want: Want | undefined, cursor: number | undefined, first: number, last: number): Want {
  const next = cursor ?? want?.next ?? first;
  return { next, last: Math.max(last, want?.last ?? 0) };
}

/**
 * Follows the journals of runs written by other processes (workers, DESIGN.md §11): LISTENs on the
 * journal channel and calls `onEvents` with each run's newly announced events, decoded, in seq
 * order and each once. Announcements that arrive while a read is under way are merged into the
 * next read (one query for every run announced meanwhile), so a burst costs a few queries, not
 * one per batch; a run's missed announcement is filled by its next one, as each read starts
 * where the last ended. Runs are followed from the first announcement the feed hears, and
 * forgotten after their `run.finished`; after the LISTEN connection drops, the feed catches up.
 */
export async function followJournals(
  db: Database,
  onEvents: (runId: string, events: RunEvent[]) => void,
  options: JournalFeedOptions = {},
): Promise<JournalFeed> {
  /** Next row to deliver, per run the feed has delivered from. */
  const cursors = new Map<string, number>();
  let wanted = new Map<string, Want>();
  let reading: Promise<void> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const read = async (): Promise<void> => {
    while (wanted.size > 0 && !closed) {
      const batch = wanted;
      wanted = new Map();
      const ids = [...batch.keys()];
      let rows: { run_id: string; seq: number; line: string }[];
      try {
        const from = ids.map((id) => Math.max(cursors.get(id) ?? 0, batch.get(id)!.next));
        rows = await db.query(READ_RANGES, [ids, from, ids.map((id) => batch.get(id)!.last)]);
      } catch {
        for (const [id, want] of batch) wanted.set(id, wantMore(wanted.get(id), want.next, want.next, want.last));
        retry ??= setTimeout(() => {
          retry = undefined;
          schedule();
        }, RETRY_MS);
        return;
      }
      deliver(rows);
    }
  };

  const deliver = (rows: readonly { run_id: string; seq: number; line: string }[]): void => {
    let at = 0;
    while (at < rows.length) {
      const runId = rows[at]!.run_id;
      const events: RunEvent[] = [];
      let next = cursors.get(runId) ?? rows[at]!.seq;
      for (; at < rows.length && rows[at]!.run_id === runId; at++) {
        const row = rows[at]!;
        if (row.seq < next) continue;
        next = row.seq + 1;
        const event = parseEvent(row.line);
        if (event !== undefined) events.push(event);
      }
      if (events.at(-1)?.type === 'run.finished') {
        cursors.delete(runId);
        wanted.delete(runId);
      } else cursors.set(runId, next);
      if (events.length > 0 && !closed) {
        try {
          onEvents(runId, events);
        } catch {
          // The listener's failure is its own: the feed goes on for every other run.
        }
      }
    }
  };

  const schedule = (): void => {
    if (reading !== undefined || retry !== undefined || closed) return;
    reading = new Promise<void>((resolve) => setImmediate(resolve))
      .then(read)
      .finally(() => {
        reading = undefined;
        if (wanted.size > 0) schedule();
      });
  };

  // After the LISTEN connection came back, announcements may be lost: every run followed is read on from
  // its cursor to its end, and every run holding a lease that the feed has not heard of from its start.
  const catchUp = async (): Promise<void> => {
    const leased = await db.query<{ run_id: string }>('SELECT run_id FROM sb_runs WHERE lease_owner IS NOT NULL').catch(() => []);
    if (closed) return;
    for (const runId of new Set([...cursors.keys(), ...leased.map((row) => row.run_id)])) {
      if (options.skip?.(runId) === true) continue;
      wanted.set(runId, wantMore(wanted.get(runId), cursors.get(runId) ?? 1, 1, TO_THE_END));
    }
    schedule();
  };

  const unlisten = await db.listen(
    JOURNAL_CHANNEL,
    (payload) => {
      const announced = parseAnnouncement(payload);
      if (announced === undefined || closed || options.skip?.(announced.runId) === true) return;
      const { runId, first, last } = announced;
      wanted.set(runId, wantMore(wanted.get(runId), cursors.get(runId), first, last));
      schedule();
    },
    { onReconnect: () => void catchUp() },
  );

  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await unlisten();
      await reading;
    },
  };
}
