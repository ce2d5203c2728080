import { canonicalJson, createAuditTrail } from '../../team/people/audit.ts';
import type { AuditRow, AuditVerdict } from '../../team/people/audit.ts';
import { parseCommandArgs } from '../args.ts';
import { table } from '../format-run.ts';
import { CliError, EXIT_OK, EXIT_RUN_FAILED, prettyJson } from '../io.ts';
import type { CliIo } from '../io.ts';
import { DATABASE_HELP, resolveDatabaseUrl, withTeamDatabase } from '../team-database.ts';

/** What `switchboard help audit` prints. */
export const auditUsage = `Usage: switchboard audit [--limit N] [--before SEQ] [--json] [--database URL]
       switchboard audit verify [--json] [--database URL]

The team server's audit trail, newest first: row number, time (UTC), who, what, on what,
and the detail. Each row is chained to the one before by a sha256 hash. "verify" walks the
whole chain and exits 0 when it is intact, printing the head hash: keep it somewhere else,
so a later verify can show the trail was not rewritten since; exit 1 names the first broken row.
  --limit N         at most N rows (default 50, most 1000)
  --before SEQ      only rows numbered below SEQ (the next page)
${DATABASE_HELP}
  --json            print the rows, or verify's verdict, as JSON
`;

function wholeNumber(option: string, text: string | undefined, fallback: number, most: number): number {
  if (text === undefined) return fallback;
  const value = /^[0-9]{1,15}$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1 && value <= most)) throw new CliError(`audit: ${option} must be a whole number from 1 to ${most}, not ${JSON.stringify(text)}`);
  return value;
}

/** The rows as one line each under a header. */
export function formatAuditRows(rows: readonly AuditRow[]): string {
  if (rows.length === 0) return 'the audit trail is empty\n';
  const detail = (row: AuditRow) => (Object.keys(row.detail).length === 0 ? '' : canonicalJson(row.detail));
  return table(
    ['SEQ', 'AT', 'ACTOR', 'ACTION', 'TARGET', 'DETAIL'],
    rows.map((row) => [String(row.seq), new Date(row.at).toISOString(), row.actor, row.action, row.target, detail(row)]),
  );
}

/** Verify's verdict in one line: intact with the head's first 12 hex digits, or where it broke. */
export function formatVerdict(verdict: AuditVerdict): string {
  if (!verdict.ok) return `audit trail broken at row ${verdict.seq}: ${verdict.message}\n`;
  return `audit trail intact: ${verdict.rows} rows${verdict.head === undefined ? '' : `, head ${verdict.head.slice(0, 12)}`}\n`;
}

/** `switchboard audit [verify]`: read the audit trail, or check its hash chain (exit 1 when broken). */
export async function auditCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { database: { type: 'string' }, json: { type: 'boolean' }, limit: { type: 'string' }, before: { type: 'string' } },
    'audit',
  );
  const [action, ...rest] = positionals;
  if (action !== undefined && action !== 'verify') throw new CliError(`audit: expected nothing or verify, not ${JSON.stringify(action)} (see switchboard help audit)`);
  if (rest.length > 0) throw new CliError(`audit: unexpected ${JSON.stringify(rest[0])} (see switchboard help audit)`);

  if (action === 'verify') {
    if (values.limit !== undefined || values.before !== undefined) throw new CliError('audit verify: --limit and --before do not apply: verify reads every row');
    const verdict = await withTeamDatabase(resolveDatabaseUrl(values.database, io, 'audit verify'), (db) => createAuditTrail(db).verify());
    io.stdout.write(values.json === true ? `${prettyJson(verdict)}\n` : formatVerdict(verdict));
    return verdict.ok ? EXIT_OK : EXIT_RUN_FAILED;
  }

  const limit = wholeNumber('--limit', values.limit, 50, 1000);
  const before = values.before === undefined ? undefined : wholeNumber('--before', values.before, 0, Number.MAX_SAFE_INTEGER);
  const rows = await withTeamDatabase(resolveDatabaseUrl(values.database, io, 'audit'), (db) =>
    createAuditTrail(db).list(before === undefined ? { limit } : { limit, before }),
  );
  io.stdout.write(values.json === true ? `${prettyJson(rows)}\n` : formatAuditRows(rows));
  return EXIT_OK;
}
