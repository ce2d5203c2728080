import crypto from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../../host/team/db/database.ts';
import { openDatabase } from '../../../../host/team/db/database.ts';
import type { AuditRow, AuditTrail } from '../../../../host/team/people/audit.ts';
import { auditHash, canonicalJson, createAuditTrail, GENESIS_HASH, headProblem, rowProblem } from '../../../../host/team/people/audit.ts';
import { describeWithPostgres, useMigratedDatabase } from '../../../support/postgres.ts';

const START = Date.UTC(2030, 0, 1, 9);

/** Rows as record() would chain them, without a database. */
function chain(count: number): AuditRow[] {
  const rows: AuditRow[] = [];
  for (let seq = 1; seq <= count; seq += 1) {
    const unhashed = { seq, at: START + seq, actor: 'ana', action: 'run.start', target: `pb-${seq}`, detail: { n: seq }, prevHash: rows.at(-1)?.hash ?? GENESIS_HASH };
    rows.push({ ...unhashed, hash: auditHash(unhashed) });
  }
  return rows;
}

describe('the audit chain, row by row', () => {
  it('hashes a canonical encoding: the order of detail keys does not matter, every field does', () => {
    const row = chain(1)[0]!;
    expect(canonicalJson({ b: [1, { d: 2, c: null }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":null,"d":2}]}');
    expect(auditHash({ ...row, detail: { y: 1, x: 2 } })).toBe(auditHash({ ...row, detail: { x: 2, y: 1 } }));
    const expected = crypto
      .createHash('sha256')
      .update(JSON.stringify([1, new Date(row.at).toISOString(), 'ana', 'run.start', 'pb-1', { n: 1 }, GENESIS_HASH]))
      .digest('hex');
    expect(row.hash).toBe(expected);
    expect(auditHash({ ...row, at: row.at + 1 })).not.toBe(row.hash);
  });

  it('finds nothing wrong with an intact chain', () => {
    const rows = chain(3);
    expect(rows.map((row, i) => rowProblem(rows[i - 1], row))).toEqual([undefined, undefined, undefined]);
    expect(headProblem(rows[2], { seq: 3, hash: rows[2]!.hash })).toBeUndefined();
    expect(headProblem(undefined, { seq: 0, hash: GENESIS_HASH })).toBeUndefined();
  });

  it('tells a changed row, a gap, a broken link and a row chained after an earlier one (one slipped in before it) apart', () => {
    const [one, two, three] = chain(3) as [AuditRow, AuditRow, AuditRow];
    expect(rowProblem(one, { ...two, target: 'other' })).toMatchObject({ seq: 2, problem: 'changed' });
    expect(rowProblem(one, three)).toEqual({ seq: 2, problem: 'missing', message: 'row 2 is missing: row 1 is followed by row 3' });
    expect(rowProblem(undefined, two)).toMatchObject({ seq: 1, problem: 'missing' });
    const relinked = { ...three, seq: 2 };
    const rehashed = { ...relinked, hash: auditHash(relinked) };
    expect(rowProblem(one, rehashed)).toMatchObject({ seq: 2, problem: 'missing' });
    const inserted = { ...two, target: 'forged' };
    const moved = { ...two, seq: 3 };
    expect(rowProblem({ seq: 2, hash: auditHash(inserted) }, { ...moved, hash: auditHash(moved) }, 1)).toEqual({
      seq: 3,
      problem: 'reordered',
      message: 'row 3 was chained after row 1, not row 2: rows were reordered',
    });
  });

  it('tells a head behind, ahead of or beside the last row', () => {
    const rows = chain(3);
    expect(headProblem(rows[1], { seq: 3, hash: rows[2]!.hash })).toMatchObject({ seq: 3, problem: 'head' });
    expect(headProblem(rows[2], { seq: 2, hash: rows[1]!.hash })).toMatchObject({ seq: 3, problem: 'head' });
    expect(headProblem(rows[2], { seq: 3, hash: rows[1]!.hash })).toMatchObject({ seq: 3, problem: 'head' });
    expect(headProblem(rows[2], undefined)).toMatchObject({ problem: 'head' });
  });
});

describeWithPostgres('the audit trail', () => {
  const database = useMigratedDatabase();
  const url = database.url;
  let db: Database;
  let audit: AuditTrail;
  let clock: number;
  beforeEach(() => {
    db = database.db();
    clock = START;
    audit = createAuditTrail(db, { now: () => (clock += 1000) });
  });

  async function record(count: number): Promise<void> {
    for (let i = 1; i <= count; i += 1) await audit.record({ actor: 'ana', action: 'run.start', target: `pb-${i}`, detail: { run: `r${i}`, nested: { b: 1, a: [i] } } });
  }

  it('numbers rows 1, 2, 3… each chained to the one before, and lists them newest first', async () => {
    const first = await audit.record({ actor: 'cli:root', action: 'user.add', target: 'ana', detail: { role: 'analyst' } });
    const second = await audit.record({ actor: 'ana', action: 'run.start', target: 'pb' });
    expect(first).toEqual({ seq: 1, at: START + 1000, actor: 'cli:root', action: 'user.add', target: 'ana', detail: { role: 'analyst' }, prevHash: GENESIS_HASH, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(second).toMatchObject({ seq: 2, detail: {}, prevHash: first.hash });
    expect(await audit.list()).toEqual([second, first]);
    expect(await audit.list({ limit: 1 })).toEqual([second]);
    expect(await audit.list({ before: 2 })).toEqual([first]);
  });

  it('verifies a chain of 50 rows, naming its head', async () => {
    await record(50);
    const [last] = await audit.list({ limit: 1 });
    expect(await audit.verify()).toEqual({ ok: true, rows: 50, head: last!.hash });
  });

  it('verifies an empty trail', async () => {
    expect(await audit.verify()).toEqual({ ok: true, rows: 0 });
  });

  it('refuses to change, delete or truncate rows, or to move the head by hand', async () => {
    await record(2);
    await expect(db.query("UPDATE sb_audit SET actor = 'eve' WHERE seq = 1")).rejects.toThrow(/AUDIT_APPEND_ONLY/);
    await expect(db.query('DELETE FROM sb_audit WHERE seq = 2')).rejects.toThrow(/AUDIT_APPEND_ONLY/);
    await expect(db.query('TRUNCATE sb_audit')).rejects.toThrow(/AUDIT_APPEND_ONLY/);
    await expect(db.query('UPDATE sb_audit_head SET seq = 1')).rejects.toThrow(/AUDIT_APPEND_ONLY/);
    await expect(db.query('DELETE FROM sb_audit_head')).rejects.toThrow(/AUDIT_APPEND_ONLY/);
    await expect(db.query("INSERT INTO sb_audit VALUES (5, now(), 'eve', 'x', 'y', '{}', repeat('0', 64), repeat('0', 64))")).rejects.toThrow(/AUDIT_CHAIN/);
    expect(await audit.verify()).toMatchObject({ ok: true, rows: 2 });
  });

  it('keeps no row of a transaction that rolled back, and the chain stays whole', async () => {
    await record(1);
    await expect(
      db.transaction(async (client) => {
        await audit.record({ actor: 'ana', action: 'playbook.publish', target: 'pb' }, client);
        throw new Error('the publish failed');
      }),
    ).rejects.toThrow('the publish failed');
    await record(1);
    expect((await audit.list()).map((r) => r.seq)).toEqual([2, 1]);
    expect(await audit.verify()).toMatchObject({ ok: true, rows: 2 });
  });

  describe('with its triggers disabled by the table owner', () => {
    beforeEach(async () => {
      await record(50);
      await db.query('ALTER TABLE sb_audit DISABLE TRIGGER ALL');
    });

    it('names a row whose detail was changed', async () => {
      await db.query(`UPDATE sb_audit SET detail = '{"run": "r-forged", "nested": {"a": [17], "b": 1}}' WHERE seq = 17`);
      expect(await audit.verify()).toEqual({ ok: false, rows: 16, seq: 17, problem: 'changed', message: 'row 17 was changed: its hash no longer matches its contents' });
    });

    it('names a row deleted from the middle', async () => {
      await db.query('DELETE FROM sb_audit WHERE seq = 25');
      expect(await audit.verify()).toEqual({ ok: false, rows: 24, seq: 25, problem: 'missing', message: 'row 25 is missing: row 24 is followed by row 26' });
    });

    it('catches the last row deleted, through the head', async () => {
      await db.query('DELETE FROM sb_audit WHERE seq = 50');
      expect(await audit.verify()).toMatchObject({ ok: false, rows: 49, seq: 50, problem: 'head' });
    });

    it('catches a row rewritten with a fresh hash, at the row after it', async () => {
      const [row] = await audit.list({ before: 31, limit: 1 });
      const forged = { ...row!, actor: 'eve' };
      await db.query('UPDATE sb_audit SET actor = $1, hash = $2 WHERE seq = 30', [forged.actor, auditHash(forged)]);
      expect(await audit.verify()).toMatchObject({ ok: false, rows: 30, seq: 31, problem: 'missing' });
    });
  });

  it('keeps one clean chain when two servers record 100 rows at once', async () => {
    const other = await openDatabase(url());
    try {
      const trails = [audit, createAuditTrail(other)];
      await Promise.all(Array.from({ length: 100 }, (_, i) => trails[i % 2]!.record({ actor: `server-${i % 2}`, action: 'run.start', target: `pb-${i}` })));
      const verdict = await audit.verify();
      expect(verdict).toMatchObject({ ok: true, rows: 100 });
      const rows = await audit.list({ limit: 1000 });
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 100 - i));
      expect(new Set(rows.map((r) => r.target)).size).toBe(100);
    } finally {
      await other.close();
    }
  });
});
