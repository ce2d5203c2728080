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
  /**
   * Calls `listener` with each NOTIFY payload on `channel`; returns the unlisten. The LISTEN
   * connection reconnects by itself when it drops, but what was announced meanwhile is lost:
   * `onReconnect` is called once it listens again, for the caller to catch up from the tables.
   */
  listen(channel: string, listener: (payload: string) => void, options?: ListenOptions): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** What a listener is told besides the payloads. */
export interface ListenOptions {
  /** Called after the LISTEN connection dropped and listens again: announcements may have been missed. */
  onReconnect?: () => void;
}

/** What a `--database` URL failed on, in one line naming the option. */
export class DatabaseError extends Error {
  readonly code = 'DATABASE';
}

/** The first line of an error's message: PostgreSQL and pg-boss put detail on the lines after. */
export function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
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

/** How long opening a connection may take: an unreachable host fails with one line, not after TCP gives up. */
const CONNECT_TIMEOUT_MS = 10_000;

/** The first delay before the LISTEN connection tries again, doubled each failed try up to the cap. */
const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 5_000;

/** How long the LISTEN connection waits after failed try `attempt` (from 0): doubling, capped, so a restart is noticed within seconds. */
export function reconnectDelay(attempt: number): number {
  return Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** Math.min(Math.max(0, attempt), 16));
}

/**
 * Connects to PostgreSQL (checking the connection at once, so a wrong URL fails on start with one
 * line) with a pool of `max` clients. `connectTimeoutMs` bounds each new connection (and each wait
 * for a pooled one); default 10 s.
 */
export async function openDatabase(url: string, options: { max?: number; applicationName?: string; connectTimeoutMs?: number } = {}): Promise<Database> {
  const where = redactDatabaseUrl(checkDatabaseUrl(url));
  const name = options.applicationName ?? 'switchboard';
  const connectionTimeoutMillis = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 8, application_name: name, idleTimeoutMillis: 30_000, connectionTimeoutMillis });
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new DatabaseError(`cannot reach ${where}: ${firstLine(err)}`);
  }

  // The LISTEN connection: one for every channel, replaced (after a capped backoff) whenever it drops.
  interface Subscription {
    fn: (payload: string) => void;
    onReconnect?: () => void;
  }
  const channels = new Map<string, Set<Subscription>>();
  let listener: pg.Client | undefined;
  let first: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let attempt = 0;
  let closed = false;

  /** Opens a LISTEN connection; when it ends while it is the current one, the next is scheduled. */
  const connectListener = async (): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: url, application_name: `${name}-listen`, connectionTimeoutMillis, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
    client.on('error', () => undefined);
    client.on('notification', (message) => {
      for (const subscription of [...(channels.get(message.channel) ?? [])]) subscription.fn(message.payload ?? '');
    });
    client.on('end', () => {
      if (listener !== client) return;
      listener = undefined;
      reconnectLater();
    });
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (closed) {
      await client.end().catch(() => undefined);
      throw new DatabaseError(`the connection to ${where} is closed`);
    }
    listener = client;
    return client;
  };

  const reconnectLater = (): void => {
    if (closed || retry !== undefined) return;
    retry = setTimeout(() => {
      retry = undefined;
      void reconnect();
    }, reconnectDelay(attempt++));
  };

  /** 1. Connect again, 2. LISTEN on every channel, 3. tell every listener it may have missed announcements. */
  const reconnect = async (): Promise<void> => {
    let client: pg.Client;
    try {
      client = await connectListener();
    } catch {
      reconnectLater();
      return;
    }
    try {
      for (const channel of channels.keys()) await client.query(`LISTEN ${channel}`);
    } catch {
      // Dropped again (its 'end' schedules the next try), or refused: start over on a new connection.
      await client.end().catch(() => undefined);
      return;
    }
    attempt = 0;
    for (const set of [...channels.values()]) {
      for (const subscription of [...set]) {
        try {
          subscription.onReconnect?.();
        } catch {
          // A listener's catch-up failing is its own; the others still catch up.
        }
      }
    }
  };

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
    async listen(channel, fn, listenOptions = {}) {
      if (!CHANNEL.test(channel)) throw new DatabaseError(`channel ${JSON.stringify(channel)} is not an identifier`);
      await (first ??= connectListener().then(
        () => undefined,
        (err: unknown) => {
          first = undefined;
          throw err;
        },
      ));
      const subscription: Subscription = { fn, ...(listenOptions.onReconnect ? { onReconnect: listenOptions.onReconnect } : {}) };
      let set = channels.get(channel);
      if (set === undefined) {
        set = new Set();
        channels.set(channel, set);
        const client = listener;
        // Without a connection (or losing it now), the reconnection listens on every channel and calls onReconnect.
        await client?.query(`LISTEN ${channel}`).catch((err: unknown) => {
          if (listener !== client) return;
          channels.delete(channel);
          throw err;
        });
      }
      set.add(subscription);
      return async () => {
        set.delete(subscription);
        if (set.size === 0 && channels.get(channel) === set) {
          channels.delete(channel);
          await listener?.query(`UNLISTEN ${channel}`).catch(() => undefined);
        }
      };
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}
