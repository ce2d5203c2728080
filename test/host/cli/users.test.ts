import os from 'node:os';
import { expect, it } from 'vitest';
import { openDatabase } from '../../../host/team/db/database.ts';
import { createAuditTrail } from '../../../host/team/people/audit.ts';
import { createPeople } from '../../../host/team/people/sessions.ts';
import { describeWithPostgres, useTestDatabase } from '../../support/postgres.ts';
import { cli, hasStackTrace } from './harness.ts';

const PASSWORD = 'a long enough password';

it('users names both --database and $SWITCHBOARD_DATABASE when neither is given', async () => {
  const result = await cli(['users', 'list'], { cwd: process.cwd() });
  expect(result).toEqual({ code: 2, stdout: '', stderr: 'switchboard: users list: no team database: pass --database URL or set $SWITCHBOARD_DATABASE\n' });
});

it('users refuses a bad name or role in one line before touching any database', async () => {
  const badName = await cli(['users', 'add', 'ana smith', '--role', 'analyst'], { cwd: process.cwd(), stdin: `${PASSWORD}\n` });
  expect(badName.code).toBe(2);
  expect(badName.stderr).toMatch(/^switchboard: INVALID_NAME: name must be .*\n$/);
  const badRole = await cli(['users', 'role', 'ana', 'boss'], { cwd: process.cwd() });
  expect(badRole.stderr).toBe('switchboard: INVALID_ROLE: role must be one of viewer, analyst, approver, admin, not "boss"\n');
  const noRole = await cli(['users', 'add', 'ana'], { cwd: process.cwd() });
  expect(noRole.stderr).toBe('switchboard: users add: --role is missing (viewer, analyst, approver, admin)\n');
  const noAction = await cli(['users'], { cwd: process.cwd() });
  expect(noAction).toMatchObject({ code: 2, stderr: 'switchboard: users: expected add, list or role (see switchboard help users)\n' });
  const badUrl = await cli(['users', 'list', '--database', 'mysql://x'], { cwd: process.cwd() });
  expect(badUrl.stderr).toMatch(/^switchboard: --database must be a postgres:\/\/.*\n$/);
});

describeWithPostgres('switchboard users', () => {
  const url = useTestDatabase();
  const env = () => ({ SWITCHBOARD_DATABASE: url() });

  it('adds a person with the password piped on stdin, and records who did it', async () => {
    const added = await cli(['users', 'add', 'ana', '--role', 'analyst'], { cwd: process.cwd(), env: env(), stdin: `${PASSWORD}\nignored\n` });
    expect(added).toEqual({ code: 0, stdout: 'added ana (analyst)\n', stderr: '' });

    const db = await openDatabase(url());
    try {
      const signedIn = await createPeople(db).login('ana', PASSWORD);
      expect(signedIn?.user).toEqual({ name: 'ana', role: 'analyst' });
      const [row] = await createAuditTrail(db).list();
      expect(row).toMatchObject({ seq: 1, actor: `cli:${os.userInfo().username}`, action: 'user.add', target: 'ana', detail: { role: 'analyst' } });
      expect(JSON.stringify(row)).not.toContain(PASSWORD);
    } finally {
      await db.close();
    }
  });

  it('refuses a short password, no password, and a name taken, each in one line', async () => {
    const short = await cli(['users', 'add', 'ana', '--role', 'analyst'], { cwd: process.cwd(), env: env(), stdin: 'short\n' });
    expect(short).toMatchObject({ code: 2, stderr: 'switchboard: WEAK_PASSWORD: password must be at least 12 characters\n' });
    const none = await cli(['users', 'add', 'ana', '--role', 'analyst'], { cwd: process.cwd(), env: env() });
    expect(none).toMatchObject({ code: 2, stderr: 'switchboard: users add: no password on stdin: pipe it as one line, or run at a terminal to be asked\n' });
    await cli(['users', 'add', 'ana', '--role', 'analyst'], { cwd: process.cwd(), env: env(), stdin: `${PASSWORD}\n` });
    const taken = await cli(['users', 'add', 'ana', '--role', 'admin'], { cwd: process.cwd(), env: env(), stdin: `${PASSWORD}\n` });
    expect(taken).toMatchObject({ code: 2, stderr: 'switchboard: USER_EXISTS: name "ana" is taken\n' });
    expect(hasStackTrace(taken.stderr)).toBe(false);
  });

  it('lists people, and changes a role with --database', async () => {
    await cli(['users', 'add', 'ana', '--role', 'analyst'], { cwd: process.cwd(), env: env(), stdin: `${PASSWORD}\n` });
    await cli(['users', 'add', 'ben', '--role', 'viewer'], { cwd: process.cwd(), env: env(), stdin: `${PASSWORD}\n` });

    const changed = await cli(['users', 'role', 'ana', 'approver', '--database', url()], { cwd: process.cwd() });
    expect(changed).toEqual({ code: 0, stdout: 'ana is now approver\n', stderr: '' });

    const listed = await cli(['users', 'list'], { cwd: process.cwd(), env: env() });
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n').slice(0, 3).map((line) => line.split(/\s{2,}/).slice(0, 2))).toEqual([
      ['NAME', 'ROLE'],
      ['ana', 'approver'],
      ['ben', 'viewer'],
    ]);

    const json = await cli(['users', 'list', '--json'], { cwd: process.cwd(), env: env() });
    expect(JSON.parse(json.stdout)).toEqual([
      { name: 'ana', role: 'approver', createdAt: expect.any(Number) },
      { name: 'ben', role: 'viewer', createdAt: expect.any(Number) },
    ]);

    const unknown = await cli(['users', 'role', 'cid', 'admin'], { cwd: process.cwd(), env: env() });
    expect(unknown).toMatchObject({ code: 2, stderr: 'switchboard: USER_NOT_FOUND: name "cid" is not a user\n' });
  });
});
