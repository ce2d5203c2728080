import fs from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REDACTED } from '../../../engine/journal/redact.ts';
import { startRun } from '../../../engine/run/executor.ts';
import { createJournalStore, type JournalStore } from '../../../host/journal/journal-store.ts';
import type { Database } from '../../../host/team/db/database.ts';
import { createPgJournalStore, renewalInterval, type PgJournalStore, type PgJournalStoreOptions } from '../../../host/team/pg-journal.ts';
import { createBuiltinRegistry } from '../../../nodes/registry.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { describeWithPostgres, useMigratedDatabase } from '../../support/postgres.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { playbook } from '../../support/test-nodes.ts';
import { waitFor } from '../../support/wait-for.ts';
import { journalStoreContract, ok, runEvents, started } from '../journal/journal-store-contract.ts';

/** `waitFor` over an asynchronous probe: polls it, one call at a time, until it yields a value. */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  let value: T | undefined;
  let asking = false;
  return waitFor(
    () => {
      if (!asking) {
        asking = true;
        probe().then(
          (v) => ((value = v), (asking = false)),
          () => (asking = false),
        );
      }
      return value;
    },
    { timeoutMs },
  );
}

it('renews a third of the lease unless told, and never for Infinity', () => {
  expect(renewalInterval(15_000)).toBe(5_000);
  expect(renewalInterval(15_000, 100)).toBe(100);
  expect(renewalInterval(15_000, Infinity)).toBeUndefined();
  expect(renewalInterval(15_000, 2 ** 40)).toBeUndefined();
});

describeWithPostgres('journal store in PostgreSQL', () => {
  const database = useMigratedDatabase('file');
  const dir = useTempDir('switchboard-pg-journal-');
  let db: Database;
  let store: PgJournalStore;
  const others: PgJournalStore[] = [];
  /** Another store on the same database, closed after the test. */
  const storeOf = (options: PgJournalStoreOptions): PgJournalStore => {
    const made = createPgJournalStore(db, options);
    others.push(made);
    return made;
  };
  const lines = async (runId: string) =>
    (await db.query<{ line: string }>('SELECT line FROM sb_journal WHERE run_id = $1 ORDER BY seq', [runId])).map((row) => row.line);
  const lease = async (runId: string) =>
    (await db.query<{ lease_owner: string | null; lease_until: Date | null }>('SELECT lease_owner, lease_until FROM sb_runs WHERE run_id = $1', [runId]))[0];

  beforeAll(() => {
    db = database.db();
  });
  beforeEach(async () => {
    await db.query('TRUNCATE sb_journal, sb_runs');
    store = createPgJournalStore(db, { owner: 'worker-a' });
  });
  afterEach(async () => {
    await Promise.all([store, ...others.splice(0)].map((s) => s.close()));
  });

  describe('what every store does', () => {
    journalStoreContract(() => store);
  });

  it('stores exactly the lines the file journal writes, redacted the same way', async () => {
    const secrets = ['sk-live-123456'];
    const events = runEvents('same', [
      started(),
      { type: 'node.started', nodeId: 'a', attempt: 1, input: { url: 'https://x/?key=sk-live-123456', password: 'pw', nested: { apiKey: 'k-1' } } },
      { type: 'node.log', nodeId: 'a', level: 'info', message: 'line one\nline two, token sk-live-123456' },
      ok('a'),
    ]);
    const files = createJournalStore(dir());
    for (const target of [files, store] as JournalStore[]) {
      const journal = await target.open('same', { secrets });
      await journal.append(events.slice(0, 2));
      await journal.append(events.slice(2));
      await journal.close();
    }
    const fileLines = fs.readFileSync(files.journalPath('same'), 'utf8').split('\n').slice(0, -1);
    expect(await lines('same')).toEqual(fileLines);
    const text = (await lines('same')).join('\n');
    expect(text).not.toContain('sk-live-123456');
    expect(text).not.toContain('"pw"');
    expect(text).toContain(`?key=${REDACTED}`);
    expect((await store.readRun('same')).events).toEqual((await files.readRun('same')).events);
  });

  it('announces each write on sb_journal as "<runId> <first seq> <last seq>", once it is committed', async () => {
    const heard: string[] = [];
    const unlisten = await db.listen('sb_journal', (payload) => heard.push(payload));
    try {
      const journal = await store.open('told');
      await journal.append(runEvents('told', [started(), ok('start')]));
      await journal.append(runEvents('told', [ok('a'), ok('b'), ok('c')]));
      await journal.close();
      await waitFor(() => (heard.length >= 2 ? true : undefined));
      expect(heard).toEqual(['told 1 2', 'told 3 5']);
    } finally {
      await unlisten();
    }
  });

  it('fences a worker whose lease ran out: readers see the run interrupted, and its appends are refused from then on', async () => {
    const first = storeOf({ owner: 'worker-a', leaseMs: 1_500, renewEveryMs: Infinity });
    const second = storeOf({ owner: 'worker-b' });
    const journal = await first.open('leased');
    await journal.append(runEvents('leased', [started(), ok('start')]));
    const whileHeld = await second.readRun('leased');
    expect(whileHeld.live).toBe(true);
    expect(whileHeld.state?.status).toBe('running');

    const after = await eventually(async () => {
      const run = await second.readRun('leased');
      return run.live ? undefined : run;
    });
    expect(after.state?.status).toBe('interrupted');
    expect(after.state?.lastCompletedNodeId).toBe('start');
    await expect(journal.append(runEvents('leased', [ok('a')]))).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await expect(journal.append(runEvents('leased', [ok('b')]))).rejects.toMatchObject({ code: 'LEASE_LOST' });
    expect(await lines('leased')).toHaveLength(2);
    await journal.close();
  });

  it('keeps the leases of its open runs, renewing them all together', async () => {
    const renewing = storeOf({ owner: 'worker-a', leaseMs: 60_000, renewEveryMs: 50 });
    const journals = await Promise.all(['kept-1', 'kept-2'].map((id) => renewing.open(id)));
    const before = await Promise.all(['kept-1', 'kept-2'].map(async (id) => (await lease(id))!.lease_until!.getTime()));
    await eventually(async () => {
      const now = await Promise.all(['kept-1', 'kept-2'].map(async (id) => (await lease(id))!.lease_until!.getTime()));
      return now.every((at, i) => at > before[i]!) ? true : undefined;
    });
    expect((await lease('kept-1'))?.lease_owner).toBe('worker-a');
    await Promise.all(journals.map((j) => j.close()));
  });

  it('stops a run at the first renewal that finds its lease taken over, even if it is later handed back', async () => {
    const renewing = storeOf({ owner: 'worker-a', leaseMs: 60_000, renewEveryMs: 50 });
    const taken = await renewing.open('taken');
    const kept = await renewing.open('kept');
    await taken.append(runEvents('taken', [started()]));
    await db.query("UPDATE sb_runs SET lease_owner = 'reaper' WHERE run_id = 'taken'");
    const keptUntil = (await lease('kept'))!.lease_until!.getTime();
    await eventually(async () => ((await lease('kept'))!.lease_until!.getTime() > keptUntil ? true : undefined));
    await db.query("UPDATE sb_runs SET lease_owner = 'worker-a' WHERE run_id = 'taken'");
    await expect(taken.append(runEvents('taken', [ok('start')]))).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await kept.append(runEvents('kept', [started()]));
    await Promise.all([taken.close(), kept.close()]);
  });

  it('releases the lease when the run journal closes, not when the store does', async () => {
    const journal = await store.open('released');
    await store.close();
    await expect(store.open('later')).rejects.toMatchObject({ code: 'JOURNAL_CLOSED' });
    await journal.append(runEvents('released', [started()]));
    expect((await lease('released'))?.lease_owner).toBe('worker-a');
    await journal.close();
    expect(await lease('released')).toEqual({ lease_owner: null, lease_until: null });
    expect((await storeOf({ owner: 'worker-b' }).readRun('released')).live).toBe(false);
  });

  it('journals a run the executor runs, which reads back with the same state as from the file journal', async () => {
    const registry = createBuiltinRegistry();
    const pb = playbook(
      [
        { id: 'start', type: 'trigger.manual@1' },
        { id: 'shape', type: 'core.set@1', params: { values: { ip: '{{ trigger.ip }}', password: 'hunter2' } } },
        { id: 'check', type: 'core.condition@1', params: { condition: '{{ nodes.shape.output.ip = "203.0.113.7" }}' } },
        { id: 'bad', type: 'core.set@1', params: { values: { verdict: 'malicious', seen: '{{ nodes.shape.output.ip }}' } } },
        { id: 'good', type: 'core.set@1', params: { values: { verdict: 'benign' } } },
      ],
      ['start->shape', 'shape->check', 'check:true->bad', 'check:false->good'],
      { id: 'verdict', name: 'Verdict' },
    );
    const files = createJournalStore(dir());
    const read = [];
    for (const target of [files, store] as JournalStore[]) {
      const journal = await target.open('executed', { secrets: ['203.0.113.7'] });
      const state = await startRun({ playbook: pb, registry, runId: 'executed', journal, trigger: { ip: '203.0.113.7' }, clock: new FakeClock() }).done;
      await journal.close();
      expect(state.status).toBe('succeeded');
      read.push(await target.readRun('executed'));
    }
    const [fromFile, fromPg] = read;
    expect(fromPg!.state?.status).toBe('succeeded');
    expect(fromPg!.state?.nodes['good']?.status).toBe('skipped');
    expect(fromPg!.state).toEqual(fromFile!.state);
    expect(fromPg!.events.map((e) => e.type)).toEqual(fromFile!.events.map((e) => e.type));
    expect((await lines('executed')).join('\n')).not.toContain('203.0.113.7');
  });
});
