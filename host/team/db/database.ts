import pg from 'pg';

/**
 * The team server's PostgreSQL connection (DESIGN.md §11): a small pool for queries and
 * transactions, and one dedicated client for LISTEN, shared by every channel.
 */
export interface Database {
  /** The URL without its password, for messages. */
  readonly where: string;
  readonly pool: pg.Pool;
  query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /** Calls `listener` with each NOTIFY payload on `channel`; returns the unlisten. */
  listen(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** What a `--database` URL failed on, in one line naming the option. */
export class DatabaseError extends Error {
  readonly code = 'DATABASE';
}

/** Checks a `--database` value: a postgres:// or postgresql:// URL; one line naming the option otherwise. */
export function checkDatabaseUrl(text: string | undefined, option = '--database'): string {
  const value = text?.trim() ?? '';
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) {
    throw new DatabaseError(`${option} must be a postgres://user:password@host:port/database URL, not ${JSON.stringify(value.slice(0, 60))}`);
  }
  return value;
}

/** The URL with its password hidden: what messages and logs may show. */
export function redactDatabaseUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'the database';
  }
}

/** Channel names are identifiers we choose; refuse anything else rather than quote it into SQL. */
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Connects to PostgreSQL (checking the connection at once, so a wrong URL fails on start with one
 * line) with a pool of `max` clients.
 */
export async function openDatabase(url: string, options: { max?: number; applicationName?: string } = {}): Promise<Database> {
  const where = redactDatabaseUrl(checkDatabaseUrl(url));
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 8, application_name: options.applicationName ?? 'switchboard', idleTimeoutMillis: 30_000 });
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new DatabaseError(`cannot reach ${where}: ${(err as Error).message.split('\n')[0]}`);
  }

  let listener: pg.Client | undefined;
  let listening: Promise<pg.Client> | undefined;
  const channels = new Map<string, Set<(payload: string) => void>>();
  const listenClient = (): Promise<pg.Client> =>
    (listening ??= (async () => {
      const client = new pg.Client({ connectionString: url, application_name: `${options.applicationName ?? 'switchboard'}-listen` });
      client.on('error', () => undefined);
      client.on('notification', (message) => {
        for (const fn of channels.get(message.channel) ?? []) fn(message.payload ?? '');
      });
      await client.connect();
      listener = client;
      return client;
    })());

  return {
    where,
    pool,
    query: async <T extends pg.QueryResultRow>(sql: string, params: readonly unknown[] = []) => (await pool.query<T>(sql, params as unknown[])).rows,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async listen(channel, fn) {
      if (!CHANNEL.test(channel)) throw new DatabaseError(`channel ${JSON.stringify(channel)} is not an identifier`);
      const client = await listenClient();
      let set = channels.get(channel);
      if (set === undefined) {
        set = new Set();
        channels.set(channel, set);
        await client.query(`LISTEN ${channel}`);
      }
      set.add(fn);
      return async () => {
        set.delete(fn);
        if (set.size === 0 && channels.get(channel) === set) {
          channels.delete(channel);
          await client.query(`UNLISTEN ${channel}`).catch(() => undefined);
        }
      };
    },
    async close() {
      await listener?.end().catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}
