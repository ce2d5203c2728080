import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from 'vitest';
import { openDatabase, type Database } from '../../host/team/db/database.ts';
import { migrate } from '../../host/team/db/migrations.ts';

/**
 * A real PostgreSQL for the team-mode tests. `.ci/run` starts the cluster and creates the
 * `switchboard` role; `SWITCHBOARD_TEST_POSTGRES` points elsewhere. Each test (or file) gets a
 * throwaway database, dropped after it.
 */

/** Where the tests connect to create their databases. */
export const ADMIN_URL = process.env.SWITCHBOARD_TEST_POSTGRES ?? 'postgres://switchboard:switchboard@127.0.0.1:5432/postgres';

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether PostgreSQL answers at `ADMIN_URL` (probed once per test file). */
export const postgresReachable = await reachable();

/**
 * `describe` for tests that need PostgreSQL: skipped with a note on a machine without one, but
 * failing in CI (`CI` set), where `.ci/run` must have started it.
 */
export function describeWithPostgres(name: string, body: () => void): void {
  if (postgresReachable) {
    describe(name, body);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('has PostgreSQL', () => {
        throw new Error(`PostgreSQL is not reachable at ${ADMIN_URL.replace(/:[^:@/]*@/, ':***@')}: .ci/run starts it`);
      });
    });
    return;
  }
  describe.skip(`${name} (no PostgreSQL at SWITCHBOARD_TEST_POSTGRES)`, body);
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates an empty database; `drop` removes it, closing whatever connections are left. */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `sb_test_${crypto.randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Registers a fresh database per test (`each`, default) or per file (`file`); returns its URL's accessor. */
export function useTestDatabase(scope: 'each' | 'file' = 'each'): () => string {
  let current: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  const before = scope === 'each' ? beforeEach : beforeAll;
  const after = scope === 'each' ? afterEach : afterAll;
  before(async () => {
    current = await createTestDatabase();
  });
  after(async () => {
    await current?.drop();
    current = undefined;
  });
  return () => {
    if (current === undefined) throw new Error('the test database exists only inside a test or its hooks');
    return current.url;
  };
}

/**
 * A fresh database per test (or file), migrated and open for it: the accessors of its `Database`
 * (closed after it, before the database is dropped) and of its URL.
 */
export function useMigratedDatabase(scope: 'each' | 'file' = 'each'): { db: () => Database; url: () => string } {
  const url = useTestDatabase(scope);
  let db: Database | undefined;
  const before = scope === 'each' ? beforeEach : beforeAll;
  const after = scope === 'each' ? afterEach : afterAll;
  before(async () => {
    db = await openDatabase(url());
    await migrate(db);
  });
  after(async () => {
    await db?.close();
    db = undefined;
  });
  return {
    url,
    db: () => {
      if (db === undefined) throw new Error('the test database is open only inside a test or its hooks');
      return db;
    },
  };
}
