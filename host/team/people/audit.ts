import crypto from 'node:crypto';
import type pg from 'pg';
import type { Database } from '../db/database.ts';
import { PeopleError } from './people-error.ts';

/**
 * The team server's audit trail (DESIGN.md §11): who did what to what, one row per act, each row
 * chained to the one before by a sha256 hash so a changed, removed or reordered row shows.
 * Never put a secret in an entry: callers pass ids, names and roles, never passwords, tokens or
 * credential values — the trail is kept forever and an auditor reads all of it.
 */
export interface AuditEntry {
  /** Who acted: a person's name, or `cli:<os user>` for the command line. */
  actor: string;
  /** What they did, dotted: `user.add`, `user.role`, `playbook.publish`. */
  action: string;
  /** What it was done to: a name or an id. */
  target: string;
  /** Ids, names and settings that explain the act; never a secret. */
  detail?: Record<string, unknown>;
}

/** One recorded row: its entry, its place in the chain, and its time (epoch ms). */
export interface AuditRow extends Required<AuditEntry> {
  seq: number;
  at: number;
  prevHash: string;
  hash: string;
}

/** What verify() found: intact (with the head hash, worth keeping elsewhere), or the first problem. */
export type AuditVerdict =
  | { ok: true; rows: number; head?: string }
  | { ok: false; rows: number; seq: number; problem: 'changed' | 'missing' | 'reordered' | 'head'; message: string };

/** The append-only, hash-chained audit trail. */
export interface AuditTrail {
  /** Appends one row, chained to the previous; with `client`, inside that (READ COMMITTED) transaction. */
  record(entry: AuditEntry, client?: pg.PoolClient): Promise<AuditRow>;
  /** Rows newest first: at most `limit` (default 100, 1 to 1000) with seq below `before`. */
  list(options?: { limit?: number; before?: number }): Promise<AuditRow[]>;
  /**
   * Walks every row in seq order, recomputing each hash and link, and compares the last row with
   * the head; reports the first problem. It cannot catch someone able to rewrite every later row
   * and the head consistently (the hash is not keyed): that is what exporting the head hash
   * elsewhere (`switchboard audit verify`, kept by the auditor) is for.
   */
  verify(): Promise<AuditVerdict>;
}

/** The previous hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** Advisory lock key that serialises appends across processes (the chain needs one writer at a time). */
export const AUDIT_LOCK = 0x5b_a0d1;

const MAX_TEXT = 500;
const MAX_DETAIL = 16_384;
const PAGE = 1000;

/** JSON with object keys sorted (by UTF-16 code units) at every depth, so equal values encode equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`)
    .join(',')}}`;
}

/**
 * A row's hash: sha256 (hex) of the canonical JSON array
 * `[seq, at as ISO text, actor, action, target, detail, prevHash]` — reproducible by any verifier.
 */
export function auditHash(row: Omit<AuditRow, 'hash'>): string {
  const encoded = canonicalJson([row.seq, new Date(row.at).toISOString(), row.actor, row.action, row.target, row.detail, row.prevHash]);
  return crypto.createHash('sha256').update(encoded, 'utf8').digest('hex');
}

/** Checks an entry and returns it with its detail as plain JSON (what the database gives back). */
export function checkAuditEntry(entry: AuditEntry): Required<AuditEntry> {
  for (const field of ['actor', 'action', 'target'] as const) {
    const value: unknown = entry[field];
    if (typeof value !== 'string' || value === '' || value.length > MAX_TEXT) {
      throw new PeopleError('INVALID_AUDIT_ENTRY', `${field} must be text of 1 to ${MAX_TEXT} characters`);
    }
  }
  const detail: unknown = entry.detail ?? {};
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) throw new PeopleError('INVALID_AUDIT_ENTRY', 'detail must be an object');
  let text: string;
  try {
    text = JSON.stringify(detail);
  } catch {
    throw new PeopleError('INVALID_AUDIT_ENTRY', 'detail must be plain JSON');
  }
  if (text.length > MAX_DETAIL) throw new PeopleError('INVALID_AUDIT_ENTRY', `detail must be at most ${MAX_DETAIL} characters of JSON`);
  return { actor: entry.actor, action: entry.action, target: entry.target, detail: JSON.parse(text) as Record<string, unknown> };
}

/** A link of the chain: a row's seq and hash. */
export interface ChainLink {
  seq: number;
  hash: string;
}

type Problem = Extract<AuditVerdict, { ok: false }>['problem'];

/**
 * The first thing wrong with `row`, read right after `previous` (undefined for the first row):
 * a gap before it, contents that no longer match its hash, or a link to something other than the
 * row before. `linked` is the seq of the row its prevHash names, when that row exists elsewhere.
 */
export function rowProblem(previous: ChainLink | undefined, row: AuditRow, linked?: number): { seq: number; problem: Problem; message: string } | undefined {
  const expected = (previous?.seq ?? 0) + 1;
  const before = previous === undefined ? 'the trail starts' : `row ${previous.seq} is followed`;
  if (row.seq !== expected) return { seq: expected, problem: 'missing', message: `row ${expected} is missing: ${before} by row ${row.seq}` };
  if (auditHash(row) !== row.hash) return { seq: row.seq, problem: 'changed', message: `row ${row.seq} was changed: its hash no longer matches its contents` };
  const prevHash = previous?.hash ?? GENESIS_HASH;
  if (row.prevHash === prevHash) return undefined;
  const after = previous === undefined ? 'the start' : `row ${previous.seq}`;
  if (linked !== undefined && linked !== previous?.seq) {
    return { seq: row.seq, problem: 'reordered', message: `row ${row.seq} was chained after row ${linked}, not ${after}: rows were reordered` };
  }
  return { seq: row.seq, problem: 'missing', message: `row ${row.seq} does not follow ${after}: a row between them was removed or replaced` };
}

/** What is wrong with the head, given the last row read (undefined when the trail is empty). */
export function headProblem(last: ChainLink | undefined, head: ChainLink | undefined): { seq: number; problem: Problem; message: string } | undefined {
  const lastSeq = last?.seq ?? 0;
  const lastHash = last?.hash ?? GENESIS_HASH;
  if (head === undefined) return { seq: lastSeq, problem: 'head', message: 'the head row (sb_audit_head) is missing' };
  if (head.seq > lastSeq) return { seq: lastSeq + 1, problem: 'head', message: `the head names row ${head.seq} but the trail ends at row ${lastSeq}: its last rows were removed` };
  if (head.seq < lastSeq) return { seq: head.seq + 1, problem: 'head', message: `rows after ${head.seq} were added without moving the head` };
  if (head.hash !== lastHash) return { seq: lastSeq, problem: 'head', message: `the head's hash is not row ${lastSeq}'s: the row or the head was changed` };
  return undefined;
}

interface AuditRecord {
  seq: string;
  at: Date;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

const COLUMNS = 'seq, at, actor, action, target, detail, prev_hash, hash';

function toRow(r: AuditRecord): AuditRow {
  return { seq: Number(r.seq), at: r.at.getTime(), actor: r.actor, action: r.action, target: r.target, detail: r.detail, prevHash: r.prev_hash, hash: r.hash };
}

/** The audit trail stored in `db` (tables sb_audit and sb_audit_head); `now` is injectable for tests. */
export function createAuditTrail(db: Database, options: { now?: () => number } = {}): AuditTrail {
  const now = options.now ?? Date.now;

  async function append(client: pg.PoolClient, entry: Required<AuditEntry>): Promise<AuditRow> {
    await client.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
    const head = (await client.query<{ seq: string; hash: string }>('SELECT seq, hash FROM sb_audit_head WHERE one')).rows[0];
    if (head === undefined) throw new PeopleError('AUDIT_HEAD_MISSING', 'the audit head (sb_audit_head) is missing: run switchboard audit verify');
    const at = new Date(now());
    const unhashed = { seq: Number(head.seq) + 1, at: at.getTime(), ...entry, prevHash: head.hash };
    const row = { ...unhashed, hash: auditHash(unhashed) };
    await client.query(`INSERT INTO sb_audit (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
      row.seq,
      at,
      row.actor,
      row.action,
      row.target,
      JSON.stringify(row.detail),
      row.prevHash,
      row.hash,
    ]);
    await client.query('UPDATE sb_audit_head SET seq = $1, hash = $2 WHERE one', [row.seq, row.hash]);
    return row;
  }

  return {
    async record(entry, client) {
      const checked = checkAuditEntry(entry);
      return client === undefined ? db.transaction((c) => append(c, checked)) : append(client, checked);
    },

    async list(listOptions = {}) {
      const limit = Math.min(Math.max(Math.floor(listOptions.limit ?? 100), 1), 1000);
      const before = listOptions.before === undefined ? null : Math.floor(listOptions.before);
      const rows = await db.query<AuditRecord & pg.QueryResultRow>(
        `SELECT ${COLUMNS} FROM sb_audit WHERE ($2::bigint IS NULL OR seq < $2) ORDER BY seq DESC LIMIT $1`,
        [limit, before],
      );
      return rows.map(toRow);
    },

    verify() {
      return db.transaction(async (client): Promise<AuditVerdict> => {
        await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        const headRecord = (await client.query<{ seq: string; hash: string }>('SELECT seq, hash FROM sb_audit_head WHERE one')).rows[0];
        let previous: ChainLink | undefined;
        let good = 0;
        for (;;) {
          const page = (await client.query<AuditRecord>(`SELECT ${COLUMNS} FROM sb_audit WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`, [previous?.seq ?? 0])).rows;
          for (const record of page) {
            const row = toRow(record);
            const linked =
              row.prevHash === (previous?.hash ?? GENESIS_HASH)
                ? undefined
                : (await client.query<{ seq: string }>('SELECT seq FROM sb_audit WHERE hash = $1 ORDER BY seq LIMIT 1', [row.prevHash])).rows[0]?.seq;
            const problem = rowProblem(previous, row, linked === undefined ? undefined : Number(linked));
            if (problem !== undefined) return { ok: false, rows: good, ...problem };
            previous = { seq: row.seq, hash: row.hash };
            good += 1;
          }
          if (page.length < PAGE) break;
        }
        const head = headRecord === undefined ? undefined : { seq: Number(headRecord.seq), hash: headRecord.hash };
        const problem = headProblem(previous, head);
        if (problem !== undefined) return { ok: false, rows: good, ...problem };
        return previous === undefined ? { ok: true, rows: 0 } : { ok: true, rows: good, head: previous.hash };
      });
    },
  };
}
