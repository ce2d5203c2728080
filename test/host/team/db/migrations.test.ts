import { expect, it } from 'vitest';
import { openDatabase, checkDatabaseUrl } from '../../../../host/team/db/database.ts';
import { migrate, SCHEMA_VERSION } from '../../../../host/team/db/migrations.ts';
import { describeWithPostgres, useTestDatabase } from '../../../support/postgres.ts';

it('refuses a --database that is not a postgres URL, naming the option', () => {
  expect(() => checkDatabaseUrl('mysql://x')).toThrow(/^--database must be a postgres:\/\//);
  expect(() => checkDatabaseUrl(undefined)).toThrow(/--database/);
  expect(checkDatabaseUrl(' postgres://u:p@h/db ')).toBe('postgres://u:p@h/db');
});

describeWithPostgres('schema migrations', () => {
  const url = useTestDatabase();

  it('creates the schema once, and a second start finds it current', async () => {
    const db = await openDatabase(url());
    try {
      expect(await migrate(db)).toEqual({ from: 0, to: SCHEMA_VERSION });
      expect(await migrate(db)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
      const tables = await db.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE tablename LIKE 'sb_%' ORDER BY 1");
      expect(tables.map((t) => t.tablename)).toContain('sb_journal');
    } finally {
      await db.close();
    }
  });

  it('servers and workers starting together migrate it exactly once', async () => {
    const dbs = await Promise.all([1, 2, 3].map(() => openDatabase(url())));
    try {
      const results = await Promise.all(dbs.map((db) => migrate(db)));
      expect(results.filter((r) => r.from === 0)).toHaveLength(1);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
  });

  it('refuses a database written by a newer Switchboard, in one line', async () => {
    const db = await openDatabase(url());
    try {
      await migrate(db);
      await db.query("INSERT INTO sb_schema_version (version, name) VALUES (999, 'future')");
      await expect(migrate(db)).rejects.toThrow(/^DATABASE_TOO_NEW: .* holds schema version 999, .* knows up to \d+: upgrade it$/);
    } finally {
      await db.close();
    }
  });

  it('says which database it cannot reach, without its password', async () => {
    await expect(openDatabase('postgres://someone:hunter2@127.0.0.1:1/nowhere')).rejects.toThrow(/cannot reach postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nowhere/);
  });
});
