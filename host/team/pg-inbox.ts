import { firstLine, type Database } from './db/database.ts';
import { RUN_QUEUE, type RunQueue, type SqlClient } from './run-queue.ts';
import type { Accepted, EventFilter, EventInbox, EventStatus, InboxEvent, NewEvent } from '../triggers/contract.ts';
import { InboxUnavailableError } from '../triggers/contract.ts';
import { DEFAULT_DEDUPE_WINDOW_MS, InboxError, acceptedEvent, checkMove, checkNewEvent, duplicateEvent, newEventId, statusesBefore } from '../triggers/inbox-state.ts';

/**
 * The team-mode event inbox (DESIGN.md §10, §11): the embedded store's decisions (inbox-state.ts)
 * over PostgreSQL, shared by a team server and many workers. Every change is one transaction that
 * also NOTIFYs `sb_inbox`, so each process hears exactly the committed changes; the run queue's
 * jobs are sent and completed inside the same transactions as the status changes they stand for.
 */

/** The NOTIFY channel of inbox changes. */
const CHANNEL = 'sb_inbox';

/** Events whose JSON is longer than this are announced by id and read back (NOTIFY carries under 8,000 bytes). */
const NOTIFY_LIMIT = 7_000;

/** Most waiting events told again after the LISTEN connection came back (a dispatcher needs one queued event to pump). */
const CATCH_UP_LIMIT = 1_000;

/** Most claims served by one fetch and one commit. */
const CLAIM_BATCH = 64;

/** The columns every read takes, bare and qualified by the alias `e`. */
const COLUMNS = 'id, status, run_id, duplicates, error, body';
const E_COLUMNS = 'e.id, e.status, e.run_id, e.duplicates, e.error, e.body';

interface EventRow {
  id: string;
  status: EventStatus;
  run_id: string | null;
  duplicates: number;
  error: string | null;
  body: string;
}

/** The PostgreSQL inbox, as a worker or the team server holds it. */
export interface PgInbox extends EventInbox {
  /** The database, without its password, for messages. */
  readonly where: string;
}

/** What the inbox needs besides the database and the queue. */
export interface PgInboxOptions {
  /** The clock of receivedAt ids and dedupe windows (epoch ms). */
  now?: () => number;
}

/** An event as stored: its fixed fields in `body`, what changes in columns. */
function eventOf(row: EventRow): InboxEvent {
  const fixed = JSON.parse(row.body) as Omit<InboxEvent, 'status' | 'duplicates' | 'runId' | 'error'>;
  const event: InboxEvent = { ...fixed, status: row.status, duplicates: row.duplicates };
  if (row.run_id !== null) event.runId = row.run_id;
  if (row.error !== null) event.error = row.error;
  return event;
}

/** The fixed fields of `event` as the JSON text of its `body` column. */
function bodyOf(event: InboxEvent): string {
  const fixed: Partial<InboxEvent> = { ...event };
  delete fixed.status;
  delete fixed.duplicates;
  delete fixed.runId;
  delete fixed.error;
  return JSON.stringify(fixed);
}

/**
 * Moves an event ($1) to a status ($2, with error $3) when it is in one of $4, and announces it on
 * $5 in the same statement: the event's JSON as `notice` makes it (the body's text with the
 * changing fields spliced in, so the payload's key order is kept), or its id when $6 bytes or more.
 */
const MOVE_AND_ANNOUNCE = `
WITH moved AS (
  UPDATE sb_inbox_events SET status = $2, error = COALESCE($3, error)
  WHERE id = $1 AND status = ANY($4::text[])
  RETURNING id, status, run_id, duplicates, error, body
), notice AS (
  SELECT id, left(body, -1) || ',"status":' || to_json(status)::text || ',"duplicates":' || duplicates
    || CASE WHEN run_id IS NULL THEN '' ELSE ',"runId":' || to_json(run_id)::text END
    || CASE WHEN error IS NULL THEN '' ELSE ',"error":' || to_json(error)::text END || '}' AS text
  FROM moved
)
SELECT pg_notify($5, CASE WHEN octet_length(text) < $6 THEN text ELSE id END) FROM notice`;

/** Events matching `filter`, newest first: the inbox's `list`, which `switchboard events --database` reads without a queue. */
export async function listPgEvents(db: Database, filter: EventFilter = {}): Promise<InboxEvent[]> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown): void => {
    params.push(value);
    conditions.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.playbookId !== undefined) add('playbook_id = ?', filter.playbookId);
  if (filter.status !== undefined) add('status = ?', filter.status);
  if (filter.source !== undefined) add('source = ?', filter.source);
  if (filter.before !== undefined) add('seq < (SELECT seq FROM sb_inbox_events WHERE id = ?)', filter.before);
  params.push(Math.max(0, Math.ceil(filter.limit ?? 100)));
  const sql = `SELECT ${COLUMNS} FROM sb_inbox_events ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${params.length}`;
  return (await db.query<EventRow>(sql, params)).map(eventOf);
}

/** What NOTIFY carries for `event`: its JSON when small enough, else its id (the listener reads it). */
function notice(event: InboxEvent): string {
  const text = JSON.stringify(event);
  return Buffer.byteLength(text) < NOTIFY_LIMIT ? text : event.id;
}

/** Announces `events` in order, to every process, when the transaction of `client` commits. */
async function announce(client: SqlClient, events: readonly InboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  await client.query('SELECT pg_notify($1, n) FROM unnest($2::text[]) AS n', [CHANNEL, events.map(notice)]);
}

/** Passes the inbox's own refusals through; anything else (unreachable, a failed write) becomes INBOX_UNAVAILABLE. */
function unavailable(what: string, where: string, err: unknown): Error {
  if (err instanceof InboxError || err instanceof InboxUnavailableError) return err;
  return new InboxUnavailableError(`INBOX_UNAVAILABLE: ${what} failed on ${where}: ${firstLine(err)}`);
}

async function insertEvent(client: SqlClient, event: InboxEvent): Promise<void> {
  await client.query('INSERT INTO sb_inbox_events (id, playbook_id, source, status, run_id, body) VALUES ($1, $2, $3, $4, $5, $6)', [
    event.id,
    event.playbookId,
    event.source,
    event.status,
    event.runId ?? null,
    bodyOf(event),
  ]);
}

/**
 * Accepts one checked event inside a transaction: takes its dedupe key (a new key, or one whose
 * window passed, in one statement), or records it as a duplicate of the key's holder, which counts it.
 */
async function acceptIn(client: SqlClient, input: NewEvent, now: number): Promise<{ accepted: Accepted; changed: InboxEvent[] }> {
  const event = acceptedEvent(input, newEventId(now));
  if (input.dedupeKey === undefined) {
    await insertEvent(client, event);
    return { accepted: { event, duplicate: false }, changed: [event] };
  }
  const key = [input.playbookId, input.triggerNodeId, input.dedupeKey];
  const until = now + (input.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS);
  const took = await client.query(
    `INSERT INTO sb_inbox_dedupe AS d (playbook_id, trigger_node_id, dedupe_key, event_id, until_ms) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (playbook_id, trigger_node_id, dedupe_key) DO UPDATE SET event_id = EXCLUDED.event_id, until_ms = EXCLUDED.until_ms
     WHERE d.until_ms <= $6 RETURNING event_id`,
    [...key, event.id, until, now],
  );
  if (took.rows.length === 1) {
    await insertEvent(client, event);
    return { accepted: { event, duplicate: false }, changed: [event] };
  }
  // The key is live and locked by the INSERT above: read its holder and count one more duplicate.
  const holder = (await client.query<{ event_id: string }>('SELECT event_id FROM sb_inbox_dedupe WHERE playbook_id = $1 AND trigger_node_id = $2 AND dedupe_key = $3', key)).rows[0]!;
  const firstRow = (await client.query<EventRow>(`UPDATE sb_inbox_events SET duplicates = duplicates + 1 WHERE id = $1 RETURNING ${COLUMNS}`, [holder.event_id])).rows[0];
  const first = firstRow === undefined ? undefined : eventOf(firstRow);
  const duplicate = duplicateEvent(event, holder.event_id, first?.runId);
  await insertEvent(client, duplicate);
  return { accepted: { event: duplicate, duplicate: true }, changed: first === undefined ? [duplicate] : [duplicate, first] };
}

/**
 * Opens the inbox on a migrated database and run queue, listening for changes; `close` stops
 * listening and leaves the database and the queue open (their owner closes them).
 */
export async function openPgInbox(db: Database, queue: RunQueue, options: PgInboxOptions = {}): Promise<PgInbox> {
  const now = options.now ?? Date.now;
  const where = db.where;
  const listeners = new Set<(event: InboxEvent) => void>();
  let closed = false;

  /** Runs `work`, refusing when closed and turning database failures into INBOX_UNAVAILABLE. */
  const guard = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    if (closed) throw new InboxUnavailableError('INBOX_UNAVAILABLE: the inbox is closed');
    try {
      return await work();
    } catch (err) {
      throw unavailable(what, where, err);
    }
  };

  const get = (eventId: string): Promise<InboxEvent | undefined> =>
    guard(`reading event ${eventId}`, async () => {
      const row = (await db.query<EventRow>(`SELECT ${COLUMNS} FROM sb_inbox_events WHERE id = $1`, [eventId]))[0];
      return row === undefined ? undefined : eventOf(row);
    });

  // 1. Hear every process's committed changes, in commit order (an event announced by id is read back).
  const tell = (event: InboxEvent): void => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the others still hear the change.
      }
    }
  };
  let heard: Promise<void> = Promise.resolve();
  const hear = (payload: string): void => {
    heard = heard.then(async () => {
      let event: InboxEvent | undefined;
      try {
        event = payload.startsWith('{') ? (JSON.parse(payload) as InboxEvent) : await get(payload);
      } catch {
        event = undefined;
      }
      if (event !== undefined) tell(event);
    });
  };
  // After the LISTEN connection came back, announcements may be lost: the events still waiting for
  // someone (accepted: to be queued; queued: to be claimed) are told again, so dispatchers act on them.
  const catchUp = (): void => {
    heard = heard.then(async () => {
      const rows = await db.query<EventRow>(`SELECT ${COLUMNS} FROM sb_inbox_events WHERE status IN ('accepted', 'queued') ORDER BY seq LIMIT ${CATCH_UP_LIMIT}`).catch(() => []);
      for (const row of rows) tell(eventOf(row));
    });
  };
  const unlisten = await guard('listening for changes', () => db.listen(CHANNEL, hear, { onReconnect: catchUp }));
  await guard('pruning dedupe keys', () => db.query('DELETE FROM sb_inbox_dedupe WHERE until_ms <= $1', [now()]));

  const acceptAll = (events: readonly NewEvent[], cursor?: { key: string; value: string }): Promise<Accepted[]> =>
    guard(cursor === undefined ? 'accepting an event' : `accepting a batch for cursor ${cursor.key}`, async () => {
      for (const event of events) checkNewEvent(event);
      return db.transaction(async (client) => {
        const out: Accepted[] = [];
        const changed: InboxEvent[] = [];
        for (const event of events) {
          const done = await acceptIn(client, event, now());
          out.push(done.accepted);
          changed.push(...done.changed);
        }
        if (cursor !== undefined) {
          await client.query('INSERT INTO sb_inbox_cursors (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [cursor.key, cursor.value]);
        }
        await announce(client, changed);
        return out;
      });
    });

  /**
   * Moves one event to `status` after the shared transition check; `alongside` runs in the same
   * transaction. Without it (every run's end), the check, the move and its announcement are one
   * statement: one round trip instead of five, on the path every run takes.
   */
  const move = (eventId: string, status: EventStatus, error: string | undefined, alongside?: (client: SqlClient) => Promise<void>): Promise<void> =>
    guard(`moving event ${eventId} to ${status}`, async () => {
      if (alongside === undefined) {
        const [moved] = await db.query(MOVE_AND_ANNOUNCE, [eventId, status, error ?? null, statusesBefore(status), CHANNEL, NOTIFY_LIMIT]);
        if (moved !== undefined) return;
        const [row] = await db.query<{ status: EventStatus }>('SELECT status FROM sb_inbox_events WHERE id = $1', [eventId]);
        checkMove(eventId, row?.status, status);
        throw new InboxError('EVENT_STATE', `event ${eventId} changed while it was moved to ${status}`);
      }
      return db.transaction(async (client) => {
        const row = (await client.query<EventRow>(`SELECT ${COLUMNS} FROM sb_inbox_events WHERE id = $1 FOR UPDATE`, [eventId])).rows[0];
        checkMove(eventId, row?.status, status);
        const updated = (await client.query<EventRow>(`UPDATE sb_inbox_events SET status = $2, error = COALESCE($3, error) WHERE id = $1 RETURNING ${COLUMNS}`, [eventId, status, error ?? null])).rows[0]!;
        await alongside(client);
        await announce(client, [eventOf(updated)]);
      });
    });

  // 2. Claims: those made in one turn share one fetch and one commit (the dispatcher claims up to 32 at once).
  interface ClaimWaiter {
    runIdFor: (event: InboxEvent) => string;
    resolve: (event: InboxEvent | undefined) => void;
    reject: (err: unknown) => void;
  }
  let waiting: ClaimWaiter[] = [];
  let draining = false;

  /** Fetches jobs for `batch` and marks their events running in one transaction, completing the jobs in it. */
  const serve = async (batch: ClaimWaiter[]): Promise<void> => {
    let open = batch;
    try {
      while (open.length > 0) {
        const asked = open.length;
        const jobs = await queue.fetch(asked);
        if (jobs.length === 0) break;
        const waiters = open;
        const claimed = await db.transaction(async (client) => {
          const ids = jobs.map((job) => job.eventId);
          const rows = (await client.query<EventRow>(`SELECT ${COLUMNS} FROM sb_inbox_events WHERE id = ANY($1) ORDER BY seq FOR UPDATE`, [ids])).rows;
          // A job whose event is no longer queued (finished, rejected, claimed through another job) is completed and skipped.
          const queued = rows.filter((row) => row.status === 'queued').map(eventOf);
          const runIds = queued.map((event, i) => event.runId ?? waiters[i]!.runIdFor(event));
          const updated = (
            await client.query<EventRow>(
              `UPDATE sb_inbox_events e SET status = 'running', run_id = COALESCE(e.run_id, v.run_id), claimed_at = now()
               FROM unnest($1::text[], $2::text[]) AS v(id, run_id) WHERE e.id = v.id RETURNING ${E_COLUMNS}`,
              [queued.map((event) => event.id), runIds],
            )
          ).rows;
          const byId = new Map(updated.map((row) => [row.id, eventOf(row)]));
          const events = queued.map((event) => byId.get(event.id)!);
          await queue.complete(client, jobs.map((job) => job.id));
          await announce(client, events);
          return events;
        });
        claimed.forEach((event, i) => waiters[i]!.resolve(event));
        open = open.slice(claimed.length);
        if (jobs.length < asked) break;
      }
      for (const waiter of open) waiter.resolve(undefined);
    } catch (err) {
      const failure = unavailable('claiming an event', where, err);
      for (const waiter of open) waiter.reject(failure);
    }
  };

  const drain = async (): Promise<void> => {
    while (waiting.length > 0) {
      const batch = waiting.slice(0, CLAIM_BATCH);
      waiting = waiting.slice(CLAIM_BATCH);
      await serve(batch);
    }
    draining = false;
  };

  return {
    where,
    accept: async (event) => (await acceptAll([event]))[0]!,
    acceptBatch: (events, cursor) => acceptAll(events, cursor),
    cursor: (key) => guard(`reading cursor ${key}`, async () => (await db.query<{ value: string }>('SELECT value FROM sb_inbox_cursors WHERE key = $1', [key]))[0]?.value),
    recordFire: (playbookId, triggerNodeId, fireAt) =>
      guard(`recording a fire of ${playbookId}/${triggerNodeId}`, async () => {
        if (!Number.isInteger(fireAt) || fireAt < 0) throw new InboxUnavailableError(`INBOX_UNAVAILABLE: fireAt ${fireAt} is not epoch milliseconds`);
        const rows = await db.query('INSERT INTO sb_schedule_fires (playbook_id, trigger_node_id, fire_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING fire_at', [playbookId, triggerNodeId, fireAt]);
        return rows.length === 1;
      }),
    lastFire: (playbookId, triggerNodeId) =>
      guard(`reading the last fire of ${playbookId}/${triggerNodeId}`, async () => {
        const rows = await db.query<{ last: string | null }>('SELECT max(fire_at) AS last FROM sb_schedule_fires WHERE playbook_id = $1 AND trigger_node_id = $2', [playbookId, triggerNodeId]);
        const last = rows[0]?.last;
        return last === null || last === undefined ? undefined : Number(last);
      }),
    enqueue: (eventId) => move(eventId, 'queued', undefined, (client) => queue.send(client, eventId)),
    claim(runIdFor) {
      if (closed) return Promise.reject(new InboxUnavailableError('INBOX_UNAVAILABLE: the inbox is closed'));
      return new Promise<InboxEvent | undefined>((resolve, reject) => {
        waiting.push({ runIdFor, resolve, reject });
        if (draining) return;
        draining = true;
        setImmediate(() => void drain());
      });
    },
    finish: (eventId, status, error) => move(eventId, status, error),
    unfinished: () =>
      guard('reading unfinished events', async () =>
        (await db.query<EventRow>(`SELECT ${COLUMNS} FROM sb_inbox_events WHERE status IN ('queued', 'running') ORDER BY seq`)).map(eventOf),
      ),
    get,
    list: (filter: EventFilter = {}) => guard('listing events', () => listPgEvents(db, filter)),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      await unlisten().catch(() => undefined);
    },
  };
}

/**
 * Puts back on the queue the runs whose worker is gone: `running` events claimed more than
 * `graceMs` ago with no live lease on any attempt of their run (`<runId>` or `<runId>-r<n>`). They
 * keep their run id, so the worker that claims one resumes the run from its journal (or settles it).
 * Locks with SKIP LOCKED, so concurrent reapers never send one event twice. Returns how many.
 */
export async function requeueOrphans(db: Database, queue: RunQueue, options: { graceMs: number }): Promise<number> {
  try {
    return await db.transaction(async (client) => {
      const orphans = (
        await client.query<EventRow>(
          `SELECT ${E_COLUMNS} FROM sb_inbox_events e
           WHERE e.status = 'running' AND e.claimed_at < now() - $1 * interval '1 millisecond'
             AND NOT EXISTS (
               SELECT 1 FROM sb_runs r
               WHERE r.lease_owner IS NOT NULL AND r.lease_until > now()
                 AND (r.run_id = e.run_id OR starts_with(r.run_id, e.run_id || '-r')))
           ORDER BY e.seq LIMIT 1000
           FOR UPDATE OF e SKIP LOCKED`,
          [Math.max(0, options.graceMs)],
        )
      ).rows;
      if (orphans.length === 0) return 0;
      const ids = orphans.map((row) => row.id);
      const moved = (await client.query<EventRow>(`UPDATE sb_inbox_events SET status = 'queued' WHERE id = ANY($1) AND status = 'running' RETURNING ${COLUMNS}`, [ids])).rows;
      for (const row of moved) await queue.send(client, row.id);
      await announce(client, moved.map(eventOf));
      return moved.length;
    });
  } catch (err) {
    throw unavailable('requeueing orphaned runs', db.where, err);
  }
}

/**
 * Queued events with no job that pg-boss will hand out: none in its job table for them is created,
 * retrying or active, and none was sent within `graceMs` (a job is sent whenever an event becomes
 * queued, so its newest job tells how long it has waited; with none on record, it has waited long
 * enough). pg-boss's own schema (`pgboss.job`, pg-boss 10) is read because the queue's API cannot
 * look jobs up by their data. `$1` is the queue, `$2` the grace, `$3` the events to look at (or NULL).
 */
const STRANDED = `
SELECT ${E_COLUMNS} FROM sb_inbox_events e
WHERE e.status = 'queued' AND ($3::text[] IS NULL OR e.id = ANY($3))
  AND NOT EXISTS (
    SELECT 1 FROM pgboss.job j
    WHERE j.name = $1 AND j.data->>'eventId' = e.id
      AND (j.state IN ('created', 'retry', 'active') OR j.created_on > now() - $2 * interval '1 millisecond'))
ORDER BY e.seq`;

/**
 * Sends a fresh job for each queued event left without one: its job failed after pg-boss's retries
 * (its workers died between fetch and commit, or its claims kept failing), or was deleted or
 * archived. Without this the event would stay queued and never run. Exactly once across concurrent
 * reapers: the events are locked with SKIP LOCKED and, once locked, looked at again by a second
 * statement, which sees the jobs of any reaper that held them before. Returns how many.
 */
export async function requeueStranded(db: Database, queue: RunQueue, options: { graceMs: number }): Promise<number> {
  const grace = Math.max(0, options.graceMs);
  try {
    return await db.transaction(async (client) => {
      const locked = (await client.query<EventRow>(`${STRANDED} LIMIT 1000 FOR UPDATE OF e SKIP LOCKED`, [RUN_QUEUE, grace, null])).rows;
      if (locked.length === 0) return 0;
      const stranded = (await client.query<EventRow>(STRANDED, [RUN_QUEUE, grace, locked.map((row) => row.id)])).rows;
      for (const row of stranded) await queue.send(client, row.id);
      // Announced again (still queued), so every dispatcher claims them.
      await announce(client, stranded.map(eventOf));
      return stranded.length;
    });
  } catch (err) {
    throw unavailable('requeueing stranded events', db.where, err);
  }
}
