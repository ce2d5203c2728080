import { beforeEach, expect, it } from 'vitest';
import type { Database } from '../../../../host/team/db/database.ts';
import { createAuditTrail } from '../../../../host/team/people/audit.ts';
import type { Role } from '../../../../host/team/people/roles.ts';
import { createPeople } from '../../../../host/team/people/sessions.ts';
import { addUser, listUsers, setRole } from '../../../../host/team/people/users.ts';
import { describeWithPostgres, useMigratedDatabase } from '../../../support/postgres.ts';

const PASSWORD = 'a long enough password';

describeWithPostgres('user accounts', () => {
  const database = useMigratedDatabase();
  let db: Database;
  beforeEach(() => {
    db = database.db();
  });

  it('lists the accounts added, by name, without their password hashes', async () => {
    await addUser(db, 'ben', PASSWORD, 'viewer');
    await addUser(db, 'ana', PASSWORD, 'analyst');
    const users = await listUsers(db);
    expect(users).toEqual([
      { name: 'ana', role: 'analyst', createdAt: expect.any(Number) },
      { name: 'ben', role: 'viewer', createdAt: expect.any(Number) },
    ]);
    const stored = await db.query<{ password_hash: string }>('SELECT password_hash FROM sb_users');
    expect(stored.every((r) => r.password_hash.startsWith('scrypt$') && !r.password_hash.includes(PASSWORD))).toBe(true);
  });

  it('refuses a name already taken, whatever its case', async () => {
    await addUser(db, 'ana', PASSWORD, 'analyst');
    await expect(addUser(db, 'ana', PASSWORD, 'admin')).rejects.toThrow(/^USER_EXISTS: name "ana" is taken$/);
    await expect(addUser(db, 'ANA', PASSWORD, 'admin')).rejects.toMatchObject({ code: 'USER_EXISTS' });
    expect(await listUsers(db)).toHaveLength(1);
  });

  it('refuses a bad name, role or password in one line naming the field', async () => {
    await expect(addUser(db, 'ana smith', PASSWORD, 'analyst')).rejects.toThrow(/^INVALID_NAME: name must be .*, not "ana smith"$/);
    await expect(addUser(db, '-ana', PASSWORD, 'analyst')).rejects.toMatchObject({ code: 'INVALID_NAME' });
    await expect(addUser(db, 'a'.repeat(64), PASSWORD, 'analyst')).rejects.toMatchObject({ code: 'INVALID_NAME' });
    await expect(addUser(db, 'ana', PASSWORD, 'boss' as Role)).rejects.toThrow(/^INVALID_ROLE: role must be one of viewer, analyst, approver, admin, not "boss"$/);
    await expect(addUser(db, 'ana', 'short', 'analyst')).rejects.toThrow(/^WEAK_PASSWORD: password must be at least 12 characters$/);
    await expect(setRole(db, 'ana', 'root' as Role)).rejects.toMatchObject({ code: 'INVALID_ROLE' });
    expect(await listUsers(db)).toEqual([]);
  });

  it('refuses to change the role of someone who is not a user', async () => {
    await expect(setRole(db, 'nobody', 'admin')).rejects.toThrow(/^USER_NOT_FOUND: name "nobody" is not a user$/);
  });

  it('applies a role change to a session already open, at once', async () => {
    await addUser(db, 'ana', PASSWORD, 'analyst');
    const people = createPeople(db);
    const signedIn = await people.login('ana', PASSWORD);
    expect(signedIn?.user).toEqual({ name: 'ana', role: 'analyst' });
    await setRole(db, 'Ana', 'approver');
    expect(await people.session(signedIn!.token)).toEqual({ name: 'ana', role: 'approver' });
    expect(await listUsers(db)).toEqual([{ name: 'ana', role: 'approver', createdAt: expect.any(Number) }]);
  });

  it('records the change in the audit trail in the same transaction when told who made it', async () => {
    const audit = createAuditTrail(db);
    const by = { audit, actor: 'cli:root' };
    await addUser(db, 'ana', PASSWORD, 'analyst', by);
    await setRole(db, 'ANA', 'admin', by);
    await expect(addUser(db, 'ana', PASSWORD, 'viewer', by)).rejects.toMatchObject({ code: 'USER_EXISTS' });
    const rows = await audit.list();
    expect(rows.map((r) => [r.seq, r.actor, r.action, r.target, r.detail])).toEqual([
      [2, 'cli:root', 'user.role', 'ana', { role: 'admin' }],
      [1, 'cli:root', 'user.add', 'ana', { role: 'analyst' }],
    ]);
    expect(JSON.stringify(rows)).not.toContain(PASSWORD);
  });
});
