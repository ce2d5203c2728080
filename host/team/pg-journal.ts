import type { RunSummary } from '../../engine/journal/recovery.ts';
import {
  checkRunId,
  createEncoder,
  JournalStoreError,
  type JournalStore,
  type OpenOptions,
  type RunJournal,
  storedRun,
  summariesOf,
  type StoredRun,
} from '../journal/journal-store.ts';
import type { Database } from './db/database.ts';
import { openPgRunJournal, type PgRunJournal } from './pg-run-journal.ts';

/** Who leases the runs a PostgreSQL journal store opens, and for how long. */
export interface PgJournalStoreOptions {
  /** The lease holder's name, unique across the fleet (a worker id): only its appends go in. */
  owner: string;
  /** How long a lease lasts unless renewed. Default 15 s: a killed worker's runs are taken up after that. */
  leaseMs?: number;
  /** How often the store renews the leases of its open runs. Default `leaseMs / 3`; `Infinity`: never. */
  renewEveryMs?: number;
  /** Blank sensitive fields (`password`, `token`, …) before writing, as the file store. Default true. */
  redactKeys?: boolean;
}

/** The run journal in PostgreSQL (team mode); `close` stops the lease renewal. */
export type PgJournalStore = JournalStore & { close(): Promise<void> };

const LEASE = `now() + $3::float8 * interval '1 millisecond'`;

/** Takes a run: a new row, or one that so far holds only saved details. No row back: the run exists. */
const OPEN = `
INSERT INTO sb_runs (run_id, opened_at, lease_owner, lease_until) VALUES ($1, now(), $2, ${LEASE})
ON CONFLICT (run_id) DO UPDATE SET opened_at = EXCLUDED.opened_at, lease_owner = EXCLUDED.lease_owner, lease_until = EXCLUDED.lease_until
  WHERE sb_runs.opened_at IS NULL
RETURNING run_id`;

/** An expired lease is never renewed: once a reader may have seen the run as interrupted, its writer must stop. */
const RENEW = `UPDATE sb_runs SET lease_until = ${LEASE} WHERE run_id = ANY($1::text[]) AND lease_owner = $2 AND lease_until > now() RETURNING run_id`;

/** Whether a run has a writer now: the same test every reader uses, in the reader's own statement. */
const LIVE = 'r.lease_owner IS NOT NULL AND r.lease_until > now()';

/** A run's lines in order, ended by `\n` as in a file, with its liveness, in one snapshot. */
const READ_RUN = `
SELECT ${LIVE} AS live, (SELECT string_agg(j.line, E'\\n' ORDER BY j.seq) FROM sb_journal j WHERE j.run_id = r.run_id) AS text
FROM sb_runs r WHERE r.run_id = $1 AND r.opened_at IS NOT NULL`;

const READ_ALL = `
SELECT r.run_id, ${LIVE} AS live, string_agg(j.line, E'\\n' ORDER BY j.seq) AS text
FROM sb_runs r LEFT JOIN sb_journal j ON j.run_id = r.run_id
WHERE r.opened_at IS NOT NULL GROUP BY r.run_id`;

const STAMP = `
SELECT (SELECT coalesce(max(j.seq), 0) FROM sb_journal j WHERE j.run_id = r.run_id) AS seq, ${LIVE} AS live
FROM sb_runs r WHERE r.run_id = $1 AND r.opened_at IS NOT NULL`;

/** A run as read from its rows: their lines, ended by `\n` as in a file. */
function runOfRows(runId: string, text: string | null, live: boolean): StoredRun {
  return storedRun(runId, text === null ? '' : `${text}\n`, live);
}

/** How often to renew: a third of the lease unless told; never for `Infinity` or past a timer's range. */
export function renewalInterval(leaseMs: number, renewEveryMs?: number): number | undefined {
  const every = renewEveryMs ?? leaseMs / 3;
  return Number.isFinite(every) && every > 0 && every < 2 ** 31 ? every : undefined;
}

/**
 * The run journal in PostgreSQL (DESIGN.md §11): each event one row of sb_journal holding exactly
 * the line the file journal would write, and each run one sb_runs row whose lease `owner` holds
 * while it runs. Appends are fenced by the lease, so a worker that lost a run can never write to
 * it again, and a reader sees a run as live exactly while its lease holds, as the file store uses
 * its lock file. One timer renews the leases of every open run in one UPDATE.
 */
export function createPgJournalStore(db: Database, options: PgJournalStoreOptions): PgJournalStore {
  const { owner } = options;
  const leaseMs = options.leaseMs ?? 15_000;
  const every = renewalInterval(leaseMs, options.renewEveryMs);
  const blankKeys = options.redactKeys ?? true;
  /** The run journals this store has open, whose leases it renews. */
  const leased = new Map<string, PgRunJournal>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let renewing: Promise<void> | undefined;
  let closed = false;

  const renew = async (): Promise<void> => {
    const ids = [...leased.keys()];
    if (ids.length === 0) return;
    let kept: Set<string>;
    try {
      kept = new Set((await db.query<{ run_id: string }>(RENEW, [ids, owner, leaseMs])).map((row) => row.run_id));
    } catch {
      return; // The database is out of reach: the next tick tries again, and appends stay fenced meanwhile.
    }
    for (const id of ids) if (!kept.has(id)) leased.get(id)?.loseLease();
  };

  const startRenewing = (): void => {
    if (timer !== undefined || every === undefined) return;
    timer = setInterval(() => {
      renewing ??= renew().finally(() => (renewing = undefined));
    }, every);
    timer.unref();
  };

  return {
    async open(runId: string, openOptions: OpenOptions = {}): Promise<RunJournal> {
      checkRunId(runId);
      if (closed) throw new JournalStoreError('JOURNAL_CLOSED', `the journal store of ${owner} is closed`);
      const rows = await db.query(OPEN, [runId, owner, leaseMs]);
      if (rows.length === 0) throw new JournalStoreError('RUN_EXISTS', `run ${runId} already has a journal`);
      const journal = openPgRunJournal(db, runId, owner, createEncoder(openOptions.secrets ?? [], blankKeys), () => {
        if (leased.get(runId) === journal) leased.delete(runId);
      });
      leased.set(runId, journal);
      startRenewing();
      return journal;
    },

    async readRun(runId: string): Promise<StoredRun> {
      checkRunId(runId);
      const row = (await db.query<{ live: boolean; text: string | null }>(READ_RUN, [runId]))[0];
      if (row === undefined) throw new JournalStoreError('RUN_NOT_FOUND', `no run ${runId} in ${db.where}`);
      return runOfRows(runId, row.text, row.live);
    },

    async runIds(): Promise<string[]> {
      return (await db.query<{ run_id: string }>('SELECT run_id FROM sb_runs WHERE opened_at IS NOT NULL')).map((row) => row.run_id);
    },

    async listRuns(): Promise<RunSummary[]> {
      return summariesOf((await db.query<{ run_id: string; live: boolean; text: string | null }>(READ_ALL)).map((row) => runOfRows(row.run_id, row.text, row.live)));
    },

    async stamp(runId: string): Promise<string | undefined> {
      checkRunId(runId);
      const row = (await db.query<{ seq: number; live: boolean }>(STAMP, [runId]))[0];
      return row === undefined ? undefined : `${row.seq}${row.live ? '+' : ''}`;
    },

    async saveRunInfo(runId: string, info: unknown): Promise<void> {
      checkRunId(runId);
      await db.query('INSERT INTO sb_runs (run_id, info) VALUES ($1, $2::jsonb) ON CONFLICT (run_id) DO UPDATE SET info = EXCLUDED.info', [runId, JSON.stringify(info)]);
    },

    async readRunInfo(runId: string): Promise<unknown> {
      checkRunId(runId);
      const row = (await db.query<{ info: unknown }>('SELECT info FROM sb_runs WHERE run_id = $1 AND info IS NOT NULL', [runId]))[0];
      if (row === undefined) throw new JournalStoreError('RUN_NOT_FOUND', `no saved details for run ${runId}`);
      return row.info;
    },

    async close(): Promise<void> {
      closed = true;
      clearInterval(timer);
      timer = undefined;
      await renewing;
    },
  };
}
