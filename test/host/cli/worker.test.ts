import crypto from 'node:crypto';
import { expect, it } from 'vitest';
import { describeWithPostgres, useTestDatabase } from '../../support/postgres.ts';
import { cli } from './harness.ts';

const KEY = { SWITCHBOARD_VAULT_KEY: crypto.randomBytes(32).toString('base64') };

it('worker names --database and $SWITCHBOARD_DATABASE when neither is given', async () => {
  expect(await cli(['worker'], { cwd: process.cwd(), env: KEY })).toEqual({
    code: 2,
    stdout: '',
    stderr: 'switchboard: worker: no team database: pass --database URL or set $SWITCHBOARD_DATABASE\n',
  });
});

it('worker refuses to start without the vault key, and never makes one up', async () => {
  const result = await cli(['worker', '--database', 'postgres://u:p@127.0.0.1:1/x'], { cwd: process.cwd(), env: {} });
  expect(result).toMatchObject({ code: 2, stderr: expect.stringMatching(/^switchboard: worker: give --vault-key-file FILE or set SWITCHBOARD_VAULT_KEY/) });
  const missing = await cli(['worker', '--database', 'postgres://u:p@127.0.0.1:1/x', '--vault-key-file', 'no/such/vault.key'], { cwd: process.cwd(), env: {} });
  expect(missing).toMatchObject({ code: 2, stderr: expect.stringMatching(/^switchboard: --vault-key-file: .*no\/such\/vault\.key does not exist/) });
});

it('worker refuses a --concurrency that is not a whole number from 1 to 1000', async () => {
  const result = await cli(['worker', '--database', 'postgres://u:p@127.0.0.1:1/x', '--concurrency', '0'], { cwd: process.cwd(), env: KEY });
  expect(result).toMatchObject({ code: 2, stderr: 'switchboard: --concurrency: 0 is not a whole number from 1 to 1000\n' });
});

describeWithPostgres('switchboard worker', () => {
  const url = useTestDatabase();

  it('says to start the team server first when the database holds no workspace', async () => {
    const result = await cli(['worker', '--database', url()], { cwd: process.cwd(), env: KEY });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^switchboard: .* holds no workspace yet: start the team server \(switchboard serve --database …\) first\n$/);
  });
});
