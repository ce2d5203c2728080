import type { Database } from '../db/database.ts';
import type { AuditTrail } from './audit.ts';
import { hashPassword } from './passwords.ts';
import { PeopleError } from './people-error.ts';
import { isRole, ROLES } from './roles.ts';
import type { Role } from './roles.ts';

/** A person's name: a letter or digit, then up to 62 letters, digits, `.`, `_` or `-`. Unique whatever its case. */
export const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/i;

/** Refuses a name that is not `USER_NAME`, in one line naming the field. */
export function checkUserName(name: string): void {
  if (typeof name !== 'string' || !USER_NAME.test(name)) {
    throw new PeopleError('INVALID_NAME', `name must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit, not ${JSON.stringify(String(name).slice(0, 70))}`);
  }
}

/** Refuses a role that is not one of `ROLES`, in one line naming the field. */
export function checkRole(role: string): asserts role is Role {
  if (typeof role !== 'string' || !isRole(role)) throw new PeopleError('INVALID_ROLE', `role must be one of ${ROLES.join(', ')}, not ${JSON.stringify(String(role).slice(0, 40))}`);
}

/** Who to record an account change as, and where: the change and its audit row commit together. */
export interface RecordedBy {
  audit: AuditTrail;
  actor: string;
}

/**
 * Creates an account (name, password and role checked first; names are unique whatever their
 * case). With `by`, records `user.add` (detail { role }) in the same transaction.
 */
export async function addUser(db: Database, name: string, password: string, role: Role, by?: RecordedBy): Promise<void> {
  checkUserName(name);
  checkRole(role);
  const passwordHash = await hashPassword(password);
  await db.transaction(async (client) => {
    const inserted = await client.query('INSERT INTO sb_users (name, password_hash, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING name', [name, passwordHash, role]);
    if (inserted.rowCount !== 1) throw new PeopleError('USER_EXISTS', `name ${JSON.stringify(name)} is taken`);
    await by?.audit.record({ actor: by.actor, action: 'user.add', target: name, detail: { role } }, client);
  });
}

/** Every account, by name: no password hashes. */
export async function listUsers(db: Database): Promise<Array<{ name: string; role: Role; createdAt: number }>> {
  const rows = await db.query<{ name: string; role: Role; created_at: Date }>('SELECT name, role, created_at FROM sb_users ORDER BY lower(name)');
  return rows.map((r) => ({ name: r.name, role: r.role, createdAt: r.created_at.getTime() }));
}

/**
 * Changes a person's role; their open sessions see it on their next request. With `by`, records
 * `user.role` (detail { role }) in the same transaction.
 */
export async function setRole(db: Database, name: string, role: Role, by?: RecordedBy): Promise<void> {
  checkUserName(name);
  checkRole(role);
  await db.transaction(async (client) => {
    const updated = await client.query<{ name: string }>('UPDATE sb_users SET role = $2 WHERE lower(name) = lower($1) RETURNING name', [name, role]);
    const stored = updated.rows[0]?.name;
    if (stored === undefined) throw new PeopleError('USER_NOT_FOUND', `name ${JSON.stringify(name)} is not a user`);
    await by?.audit.record({ actor: by.actor, action: 'user.role', target: stored, detail: { role } }, client);
  });
}
