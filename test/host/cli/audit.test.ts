import os from 'node:os';
import { expect, it } from 'vitest';
import { openDatabase } from '../../../host/team/db/database.ts';
import { describeWithPostgres, useTestDatabase } from '../../support/postgres.ts';
import { cli } from './harness.ts';

const PASSWORD = 'a long enough password';

it('audit names both --database and $SWITCHBOARD_DATABASE when neither is given', async () => {
  const result = await cli(['audit', 'verify'], { cwd: process.cwd() });
  expect(result).toEqual({ code: 2, stdout: '', stderr: 'switchboard: audit verify: no team database: pass --database URL or set $SWITCHBOARD_DATABASE\n' });
});

it('audit refuses a --limit that is not a whole number from 1 to 1000', async () => {
  const result = await cli(['audit', '--limit', '0', '--database', 'postgres://u:p@127.0.0.1:1/x'], { cwd: process.cwd() });
  expect(result).toMatchObject({ code: 2, stderr: 'switchboard: audit: --limit must be a whole number from 1 to 1000, not "0"\n' });
});

describeWithPostgres('switchboard audit', () => {
  const url = useTestDatabase();
  const env = () => ({ SWITCHBOARD_DATABASE: url() });
  const actor = `cli:${os.userInfo().username}`;

  async function addPeople(): Promise<void> {
    await cli(['users', 'add', 'ana', '--role', 'analyst'], { cwd: process.cwd(), env: env(), stdin: `${PASSWORD}\n` });
    await cli(['users', 'add', 'ben', '--role', 'viewer'], { cwd: process.cwd(), env: env(), stdin: `${PASSWORD}\n` });
    await cli(['users', 'role', 'ana', 'approver'], { cwd: process.cwd(), env: env() });
  }

  it('says an empty trail is intact', async () => {
    expect(await cli(['audit', 'verify'], { cwd: process.cwd(), env: env() })).toEqual({ code: 0, stdout: 'audit trail intact: 0 rows\n', stderr: '' });
    expect(await cli(['audit'], { cwd: process.cwd(), env: env() })).toEqual({ code: 0, stdout: 'the audit trail is empty\n', stderr: '' });
  });

  it('lists rows newest first, one line each, or as JSON', async () => {
    await addPeople();
    const listed = await cli(['audit'], { cwd: process.cwd(), env: env() });
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SEQ\s+AT\s+ACTOR\s+ACTION\s+TARGET\s+DETAIL$/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/))).toEqual([
      ['3', expect.stringMatching(/^\d{4}-\d\d-\d\dT/), actor, 'user.role', 'ana', '{"role":"approver"}'],
      ['2', expect.any(String), actor, 'user.add', 'ben', '{"role":"viewer"}'],
      ['1', expect.any(String), actor, 'user.add', 'ana', '{"role":"analyst"}'],
    ]);

    const json = await cli(['audit', '--json', '--limit', '2'], { cwd: process.cwd(), env: env() });
    const rows = JSON.parse(json.stdout) as Array<{ seq: number; hash: string; prevHash: string }>;
    expect(rows.map((r) => r.seq)).toEqual([3, 2]);
    expect(rows[0]?.prevHash).toBe(rows[1]?.hash);

    const page = await cli(['audit', '--json', '--before', '2'], { cwd: process.cwd(), env: env() });
    expect((JSON.parse(page.stdout) as Array<{ seq: number }>).map((r) => r.seq)).toEqual([1]);
  });

  it('verify prints the row count and the head, and exits 1 naming the first broken row', async () => {
    await addPeople();
    const intact = await cli(['audit', 'verify'], { cwd: process.cwd(), env: env() });
    const head = (JSON.parse((await cli(['audit', '--json', '--limit', '1'], { cwd: process.cwd(), env: env() })).stdout) as Array<{ hash: string }>)[0]!.hash;
    expect(intact).toEqual({ code: 0, stdout: `audit trail intact: 3 rows, head ${head.slice(0, 12)}\n`, stderr: '' });

    const db = await openDatabase(url());
    try {
      await db.query('ALTER TABLE sb_audit DISABLE TRIGGER ALL');
      await db.query(`UPDATE sb_audit SET detail = '{"role": "admin"}' WHERE seq = 2`);
    } finally {
      await db.close();
    }
    const broken = await cli(['audit', 'verify'], { cwd: process.cwd(), env: env() });
    expect(broken).toEqual({ code: 1, stdout: 'audit trail broken at row 2: row 2 was changed: its hash no longer matches its contents\n', stderr: '' });

    const json = await cli(['audit', 'verify', '--json'], { cwd: process.cwd(), env: env() });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ ok: false, rows: 1, seq: 2, problem: 'changed', message: 'row 2 was changed: its hash no longer matches its contents' });
  });
});
