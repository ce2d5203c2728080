import crypto from 'node:crypto';
import pg from 'pg';
import type { RunEvent } from '../engine/run/events.ts';
import { openDatabase, redactDatabaseUrl, type Database } from '../host/team/db/database.ts';
import { migrate } from '../host/team/db/migrations.ts';
import { createPgJournalStore } from '../host/team/pg-journal.ts';
import type { BenchResult } from './stats.ts';
import { benchResult, formatFigure, medianPair } from './stats.ts';

/**
 * `team-journal-append` (issue 13): journal events per second into PostgreSQL through the team
 * journal store (encoding, redaction, the lease fence, NOTIFY) versus a bare INSERT loop writing
 * the same events with the same batching into a table of the same shape. Batches are those the
 * executor's group commit makes of a 1,000-node chain: a node's end and the next node's start.
 */

const NAME = 'team-journal-append';
const NODES = 1_000;
/** Where the throwaway database is made; the tests' variable, so one setting serves both. */
const ADMIN_URL = process.env.SWITCHBOARD_TEST_POSTGRES ?? 'postgres://switchboard:switchboard@127.0.0.1:5432/postgres';

function progress(line: string): void {
  process.stderr.write(`  ${NAME}: ${line}\n`);
}

/** The events of a 1,000-node chain run, in the batches the executor would append them in. */
function chainBatches(runId: string): RunEvent[][] {
  let seq = 0;
  const at = Date.now();
  const stamp = (body: Record<string, unknown>): RunEvent => ({ ...body, seq: ++seq, runId, at: at + seq }) as RunEvent;
  const startedNode = (i: number) =>
    stamp({ type: 'node.started', nodeId: `n${i}`, attempt: 1, input: { ip: '203.0.113.7', url: `https://intel.example/api/v3/ip_addresses/203.0.113.7?n=${i}`, limit: 10 } });
  const batches: RunEvent[][] = [
    [
      stamp({ type: 'run.started', playbookId: 'chain', playbookName: 'Chain', revision: 1, mode: 'run', dryRun: false, trigger: { ip: '203.0.113.7' }, nodeIds: Array.from({ length: NODES }, (_, i) => `n${i}`) }),
      startedNode(0),
    ],
  ];
  for (let i = 0; i < NODES; i++) {
    const succeeded = stamp({ type: 'node.succeeded', nodeId: `n${i}`, attempt: 1, output: { verdict: 'benign', score: i % 100, seen: ['203.0.113.7'], id: `obj-${i}` }, port: 'out', durationMs: 3 });
    batches.push(i + 1 < NODES ? [succeeded, startedNode(i + 1)] : [succeeded, stamp({ type: 'run.finished', status: 'succeeded', durationMs: 3_000 })]);
  }
  return batches;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const BARE_TABLE = 'CREATE TABLE bench_bare (run_id text NOT NULL, seq integer NOT NULL, line text NOT NULL, PRIMARY KEY (run_id, seq))';
const BARE_INSERT = 'INSERT INTO bench_bare (run_id, seq, line) SELECT $1, $2::int + t.n, t.line FROM unnest($3::text[]) WITH ORDINALITY AS t(line, n)';

/** Appends every batch through the PostgreSQL journal store, awaiting each as the executor does; events/s. */
async function ours(store: ReturnType<typeof createPgJournalStore>, counter: { n: number }): Promise<number> {
  const runId = `ours-${++counter.n}`;
  const batches = chainBatches(runId);
  const journal = await store.open(runId, { secrets: ['sk-live-0123456789abcdef'] });
  const started = performance.now();
  for (const batch of batches) await journal.append(batch);
  const elapsed = performance.now() - started;
  await journal.close();
  return (events(batches) / elapsed) * 1000;
}

/** The same batches as bare INSERTs (prepared, as ours is) of one JSON line per event; events/s. */
async function bare(db: Database, counter: { n: number }): Promise<number> {
  const runId = `bare-${++counter.n}`;
  const batches = chainBatches(runId);
  let seq = 0;
  const started = performance.now();
  for (const batch of batches) {
    await db.pool.query({ name: 'bench-bare-insert', text: BARE_INSERT, values: [runId, seq, batch.map((event) => JSON.stringify(event))] });
    seq += batch.length;
  }
  const elapsed = performance.now() - started;
  return (events(batches) / elapsed) * 1000;
}

function events(batches: readonly RunEvent[][]): number {
  return batches.reduce((sum, batch) => sum + batch.length, 0);
}

/** Events/s into PostgreSQL, ours vs the bare loop; the ratio is baseline/ours (how much slower ours is). */
export async function teamJournalAppend(): Promise<BenchResult> {
  const name = `sb_bench_${crypto.randomBytes(6).toString('hex')}`;
  try {
    await admin(`CREATE DATABASE ${name}`);
  } catch (err) {
    process.stderr.write(
      `BENCH ${NAME}: PostgreSQL is not reachable at ${redactDatabaseUrl(ADMIN_URL)} (${(err as Error).message.split('\n')[0]}); set SWITCHBOARD_TEST_POSTGRES. Not measured.\n`,
    );
    return benchResult(NAME, NaN, NaN);
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  let db: Database | undefined;
  try {
    db = await openDatabase(url.toString(), { max: 4, applicationName: 'switchboard-bench' });
    await migrate(db);
    await db.query(BARE_TABLE);
    const store = createPgJournalStore(db, { owner: 'bench-worker' });
    const counter = { n: 0 };
    const open = db;
    try {
      const [a, b] = await medianPair(() => ours(store, counter), () => bare(open, counter), { warmup: 2, runs: 9 });
      progress(`${events(chainBatches('x'))} events in ${NODES + 1} batches per sample; ours ${formatFigure(a)} events/s, bare INSERT loop ${formatFigure(b)} events/s`);
      const result = benchResult(NAME, a, b);
      return { ...result, ratio: result.baseline / result.ours };
    } finally {
      await store.close();
    }
  } finally {
    await db?.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((err: unknown) => progress(`could not drop ${name}: ${(err as Error).message}`));
  }
}
