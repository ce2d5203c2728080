import type { Database } from '../team/db/database.ts';
import { checkDatabaseUrl, openDatabase } from '../team/db/database.ts';
import { migrate } from '../team/db/migrations.ts';
import { CliError } from './io.ts';
import type { CliIo } from './io.ts';

/** What team commands' usage says about `--database`. */
export const DATABASE_HELP = '  --database URL    the team database, postgres://… (default: $SWITCHBOARD_DATABASE)';

/** The team database's URL: `--database`, else $SWITCHBOARD_DATABASE; one line naming both when neither is set. */
export function resolveDatabaseUrl(flag: string | undefined, io: CliIo, command: string): string {
  if (flag !== undefined) return checkDatabaseUrl(flag, '--database');
  const fromEnv = io.env.SWITCHBOARD_DATABASE;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return checkDatabaseUrl(fromEnv, '$SWITCHBOARD_DATABASE');
  throw new CliError(`${command}: no team database: pass --database URL or set $SWITCHBOARD_DATABASE`);
}

/** Opens the team database, brings its schema current, runs `work`, and closes it whatever happens. */
export async function withTeamDatabase<T>(url: string, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(url, { max: 2, applicationName: 'switchboard-cli' });
  try {
    await migrate(db);
    return await work(db);
  } finally {
    await db.close();
  }
}
