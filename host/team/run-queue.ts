import PgBoss from 'pg-boss';
import type pg from 'pg';
import { firstLine, redactDatabaseUrl } from './db/database.ts';

/**
 * The team-mode run queue (DESIGN.md §11): one pg-boss 10 queue, `sb-runs`, of jobs that each name an
 * inbox event. Jobs are sent and completed inside the caller's transaction (pg-boss's `db` option),
 * so a job exists iff the inbox change that sent it committed. A job fetched by a worker that dies
 * before its commit expires and is handed out again (up to `retryLimit` times).
 */

/** The queue's name in pg-boss. */
export const RUN_QUEUE = 'sb-runs';

/** How the run queue behaves; the defaults suit short jobs (a job lives from fetch to one commit). */
export interface RunQueueOptions {
  /** How long a fetched job may stay uncompleted before pg-boss hands it out again (default 30 s). */
  expireInSeconds?: number;
  /** How many times an expired job is handed out again (default 5). */
  retryLimit?: number;
  /** Delay before an expired job is handed out again (default 1 s). */
  retryDelaySeconds?: number;
  /** How often one process (whichever gets there first) expires and archives jobs (default 15 s). */
  maintenanceIntervalSeconds?: number;
  /** Connections pg-boss's own pool may open (default 3): many workers must not starve PostgreSQL. */
  max?: number;
  applicationName?: string;
  /** One line per error pg-boss reports in the background (maintenance); never a payload. */
  log?: (line: string) => void;
}

/** One fetched job: the event it names. */
export interface RunJob {
  id: string;
  eventId: string;
}

/** The client of an open transaction (`Database.transaction`'s argument). */
export type SqlClient = Pick<pg.ClientBase, 'query'>;

/** The run queue as the inbox uses it. */
export interface RunQueue {
  /** Sends the job of `eventId` inside the transaction of `client`. */
  send(client: SqlClient, eventId: string): Promise<void>;
  /** Takes up to `max` jobs, oldest first, marking them active (committed at once). */
  fetch(max: number): Promise<RunJob[]>;
  /** Completes `jobIds` inside the transaction of `client`. */
  complete(client: SqlClient, jobIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** Why the run queue failed: it could not be reached or refused a command. */
export class RunQueueError extends Error {
  readonly code = 'RUN_QUEUE';
}

/** pg-boss's `db` option over a transaction's client, so its statement joins that transaction. */
function inTransaction(client: SqlClient): PgBoss.Db {
  return { executeSql: async (text, values) => ({ rows: (await client.query(text, values)).rows }) };
}

/**
 * Starts pg-boss on `url` (installing its schema on first use) and creates the `sb-runs` queue.
 * Cron scheduling and state monitoring are off: the queue only carries short jobs.
 */
export async function openRunQueue(url: string, options: RunQueueOptions = {}): Promise<RunQueue> {
  const where = redactDatabaseUrl(url);
  const log = options.log ?? (() => undefined);
  const jobOptions = {
    expireInSeconds: options.expireInSeconds ?? 30,
    retryLimit: options.retryLimit ?? 5,
    retryDelay: options.retryDelaySeconds ?? 1,
    retryBackoff: false,
  };
  const boss = new PgBoss({
    connectionString: url,
    max: options.max ?? 3,
    application_name: options.applicationName ?? 'switchboard-queue',
    schedule: false,
    supervise: true,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 15,
  });
  boss.on('error', (err) => log(`run queue: ${firstLine(err)}`));
  try {
    await boss.start();
    await boss.createQueue(RUN_QUEUE, { name: RUN_QUEUE, policy: 'standard', ...jobOptions });
  } catch (err) {
    await boss.stop({ graceful: false }).catch(() => undefined);
    throw new RunQueueError(`RUN_QUEUE: cannot start the run queue on ${where}: ${firstLine(err)}`);
  }

  // pg-boss 10 reads `complete(name, ids, data, options)`; its typings omit `data` for an id list.
  const completeJobs = boss.complete.bind(boss) as unknown as (name: string, ids: string[], data: null, options: PgBoss.ConnectionOptions) => Promise<unknown>;
  // pg-boss's fetch swallows database errors (it returns no jobs); this wrapper keeps the error.
  const own = boss.getDb();
  let closed = false;

  return {
    async send(client, eventId) {
      await boss.send(RUN_QUEUE, { eventId }, { ...jobOptions, db: inTransaction(client) });
    },
    async fetch(max) {
      if (closed) throw new RunQueueError('RUN_QUEUE: the run queue is closed');
      let failure: unknown;
      const db: PgBoss.Db = {
        executeSql: async (text, values) => {
          try {
            return await own.executeSql(text, values);
          } catch (err) {
            failure = err;
            throw err;
          }
        },
      };
      const jobs = await boss.fetch<{ eventId?: unknown }>(RUN_QUEUE, { batchSize: Math.max(1, max), db });
      if (failure !== undefined) throw new RunQueueError(`RUN_QUEUE: fetching jobs from ${where} failed: ${firstLine(failure)}`);
      return jobs.map((job) => ({ id: job.id, eventId: typeof job.data?.eventId === 'string' ? job.data.eventId : '' }));
    },
    async complete(client, jobIds) {
      if (jobIds.length === 0) return;
      await completeJobs(RUN_QUEUE, [...jobIds], null, { db: inTransaction(client) });
    },
    async close() {
      if (closed) return;
      closed = true;
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    },
  };
}
