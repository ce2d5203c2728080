import type { Database } from './database.ts';
import { DatabaseError } from './database.ts';
import { INBOX_SCHEMA } from './schema/inbox.ts';
import { JOURNAL_SCHEMA } from './schema/journal.ts';
import { PEOPLE_SCHEMA } from './schema/people.ts';
import { WORKSPACE_SCHEMA } from './schema/workspace.ts';

/** One schema change: applied once, in order, inside the transaction that records it. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every schema version this build knows, oldest first. Append; never edit one that shipped. */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'team mode', sql: INBOX_SCHEMA + JOURNAL_SCHEMA + PEOPLE_SCHEMA + WORKSPACE_SCHEMA }];

/** The newest version this build knows. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/** Key of the advisory lock that serialises migrations of servers and workers starting together. */
const MIGRATION_LOCK = 0x5b_0001;

/**
 * Brings the database to `SCHEMA_VERSION`, one transaction per migration under an advisory lock
 * (so a server and workers starting at once migrate it once). Refuses a database written by a
 * newer Switchboard: an older build could misread what it does not know.
 */
export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<{ from: number; to: number }> {
  const known = migrations.at(-1)?.version ?? 0;
  return db.transaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS sb_schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const rows = (await client.query<{ version: number | null }>('SELECT max(version) AS version FROM sb_schema_version')).rows;
    const from = rows[0]?.version ?? 0;
    if (from > known) {
      throw new DatabaseError(`DATABASE_TOO_NEW: ${db.where} holds schema version ${from}, written by a newer Switchboard; this one knows up to ${known}: upgrade it`);
    }
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO sb_schema_version (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    }
    return { from, to: Math.max(from, known) };
  });
}
