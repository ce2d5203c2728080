import { beforeEach, expect, it } from 'vitest';
import type { Database } from '../../../../host/team/db/database.ts';
import { createPeople, tokenHash } from '../../../../host/team/people/sessions.ts';
import { addUser } from '../../../../host/team/people/users.ts';
import { describeWithPostgres, useMigratedDatabase } from '../../../support/postgres.ts';

const PASSWORD = 'a long enough password';
const HOUR = 60 * 60 * 1000;

describeWithPostgres('sessions', () => {
  const database = useMigratedDatabase();
  let db: Database;
  let clock: number;
  beforeEach(async () => {
    db = database.db();
    await addUser(db, 'ana', PASSWORD, 'analyst');
    clock = Date.UTC(2030, 0, 1, 9);
  });
  const people = () => createPeople(db, { now: () => clock });

  it('signs in with the right password and hands out a token whose sha256 alone is stored', async () => {
    const signedIn = await people().login('ana', PASSWORD);
    expect(signedIn).toEqual({ token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), user: { name: 'ana', role: 'analyst' }, expiresAt: clock + 12 * HOUR });
    const stored = await db.query<{ token_hash: string }>('SELECT token_hash FROM sb_sessions');
    expect(stored).toEqual([{ token_hash: tokenHash(signedIn!.token) }]);
    expect(await people().session(signedIn!.token)).toEqual({ name: 'ana', role: 'analyst' });
  });

  it('signs nobody in with a wrong password or an unknown name, the same way', async () => {
    expect(await people().login('ana', 'the wrong password')).toBeUndefined();
    expect(await people().login('bob', PASSWORD)).toBeUndefined();
    expect(await people().login('not a name at all', PASSWORD)).toBeUndefined();
    expect(await db.query('SELECT 1 FROM sb_sessions')).toEqual([]);
  });

  it('ends a session at its expiry', async () => {
    const short = createPeople(db, { now: () => clock, sessionTtlMs: HOUR });
    const signedIn = await short.login('ana', PASSWORD);
    clock += HOUR - 1;
    expect(await short.session(signedIn!.token)).toEqual({ name: 'ana', role: 'analyst' });
    clock += 1;
    expect(await short.session(signedIn!.token)).toBeUndefined();
  });

  it('ends a session at logout, and only that one', async () => {
    const first = await people().login('ana', PASSWORD);
    const second = await people().login('ana', PASSWORD);
    await people().logout(first!.token);
    expect(await people().session(first!.token)).toBeUndefined();
    expect(await people().session(second!.token)).toEqual({ name: 'ana', role: 'analyst' });
  });

  it('knows no unknown or malformed token', async () => {
    expect(await people().session('A'.repeat(43))).toBeUndefined();
    expect(await people().session("' OR 1=1 --")).toBeUndefined();
    expect(await people().session('')).toBeUndefined();
    await expect(people().logout('nonsense')).resolves.toBeUndefined();
  });
});
