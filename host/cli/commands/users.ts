import os from 'node:os';
import { createAuditTrail } from '../../team/people/audit.ts';
import { checkPassword } from '../../team/people/passwords.ts';
import { ROLES } from '../../team/people/roles.ts';
import { addUser, checkRole, checkUserName, listUsers, setRole } from '../../team/people/users.ts';
import { parseCommandArgs } from '../args.ts';
import { formatTimestamp, table } from '../format-run.ts';
import { CliError, EXIT_OK, prettyJson } from '../io.ts';
import type { CliIo } from '../io.ts';
import { readPassword } from '../read-password.ts';
import { DATABASE_HELP, resolveDatabaseUrl, withTeamDatabase } from '../team-database.ts';

/** What `switchboard help users` prints. */
export const usersUsage = `Usage: switchboard users add NAME --role ROLE [--database URL]
       switchboard users list [--json] [--database URL]
       switchboard users role NAME ROLE [--database URL]

The people of a team server. Roles, each holding every right of the ones before it:
${ROLES.join(', ')}. "add" reads the password (12 characters or more) from the first line of
stdin — echo "$PASSWORD" | switchboard users add ana --role analyst — or asks for it at a
terminal. "add" and "role" are recorded in the audit trail as cli:<your user name>.
  --role ROLE       add: the person's role
${DATABASE_HELP}
  --json            list: print [{ name, role, createdAt }] (createdAt in epoch ms)
`;

/** Who the command line acts as in the audit trail: `cli:<os user name>`. */
export function cliActor(io: CliIo): string {
  let user: string | undefined;
  try {
    user = os.userInfo().username;
  } catch {
    user = io.env.USER ?? io.env.USERNAME;
  }
  return `cli:${user === undefined || user === '' ? 'unknown' : user}`;
}

/** `switchboard users add|list|role`: team accounts, from the command line. */
export async function usersCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { role: { type: 'string' }, database: { type: 'string' }, json: { type: 'boolean' } }, 'users');
  const [action, ...rest] = positionals;
  const expect = (count: number, shape: string) => {
    if (rest.length !== count) throw new CliError(`users ${action}: expected ${shape} (see switchboard help users)`);
  };

  if (action === 'add') {
    expect(1, 'one NAME');
    const name = rest[0]!;
    checkUserName(name);
    if (values.role === undefined) throw new CliError(`users add: --role is missing (${ROLES.join(', ')})`);
    const role = values.role;
    checkRole(role);
    const url = resolveDatabaseUrl(values.database, io, 'users add');
    const password = await readPassword(io, 'users add', `password for ${name}: `);
    checkPassword(password);
    await withTeamDatabase(url, (db) => addUser(db, name, password, role, { audit: createAuditTrail(db), actor: cliActor(io) }));
    io.stdout.write(`added ${name} (${role})\n`);
    return EXIT_OK;
  }

  if (action === 'role') {
    expect(2, 'NAME ROLE');
    const [name, role] = rest as [string, string];
    checkUserName(name);
    checkRole(role);
    const url = resolveDatabaseUrl(values.database, io, 'users role');
    await withTeamDatabase(url, (db) => setRole(db, name, role, { audit: createAuditTrail(db), actor: cliActor(io) }));
    io.stdout.write(`${name} is now ${role}\n`);
    return EXIT_OK;
  }

  if (action === 'list') {
    expect(0, 'no arguments');
    const users = await withTeamDatabase(resolveDatabaseUrl(values.database, io, 'users list'), listUsers);
    if (values.json === true) io.stdout.write(`${prettyJson(users)}\n`);
    else if (users.length === 0) io.stdout.write('no users yet: add one with switchboard users add NAME --role admin\n');
    else io.stdout.write(table(['NAME', 'ROLE', 'CREATED'], users.map((u) => [u.name, u.role, formatTimestamp(u.createdAt)])));
    return EXIT_OK;
  }

  const given = action === undefined ? '' : `, not ${JSON.stringify(action)}`;
  throw new CliError(`users: expected add, list or role${given} (see switchboard help users)`);
}
