import { createJournalStore } from '../../journal/journal-store.ts';
import { createPgJournalStore } from '../../team/pg-journal.ts';
import { resolveDatabaseUrl, withTeamDatabase } from '../team-database.ts';
import { parseCommandArgs, resolveWorkspace } from '../args.ts';
import { formatRunsTable } from '../format-run.ts';
import { EXIT_OK, prettyJson } from '../io.ts';
import type { CliIo } from '../io.ts';

/** What `switchboard help runs` prints. */
export const runsUsage = `Usage: switchboard runs [--workspace DIR | --database URL] [--json]

Lists past runs, newest first: id, playbook, status, start, duration, and where a failed
or interrupted run stopped. A run whose process died without finishing is "interrupted";
resume it with "switchboard resume RUN_ID".
  --workspace DIR   where runs are journalled (default: $SWITCHBOARD_WORKSPACE or ./.switchboard)
  --database URL    a team server's runs instead, journalled in PostgreSQL (postgres://…)
  --json            print the run summaries as JSON
`;

/** `switchboard runs`: the run history, read back from the journals. */
export async function runsCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(argv, { workspace: { type: 'string' }, database: { type: 'string' }, json: { type: 'boolean' } }, 'runs');
  const runs =
    values.database !== undefined
      ? await withTeamDatabase(resolveDatabaseUrl(values.database, io, 'runs'), (db) => createPgJournalStore(db, { owner: 'cli:runs', renewEveryMs: Infinity }).listRuns())
      : await createJournalStore(resolveWorkspace(values.workspace, io)).listRuns();
  io.stdout.write(values.json === true ? `${prettyJson(runs)}\n` : formatRunsTable(runs));
  return EXIT_OK;
}
