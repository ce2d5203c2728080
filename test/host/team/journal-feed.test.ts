import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { encodeEvent } from '../../../engine/journal/journal-format.ts';
import type { RunEvent } from '../../../engine/run/events.ts';
import type { Database } from '../../../host/team/db/database.ts';
import { parseAnnouncement, announcement } from '../../../host/team/journal-channel.ts';
import { followJournals, wantMore, type JournalFeed } from '../../../host/team/journal-feed.ts';
import { createPgJournalStore, type PgJournalStore } from '../../../host/team/pg-journal.ts';
import { describeWithPostgres, useMigratedDatabase } from '../../support/postgres.ts';
import { waitFor } from '../../support/wait-for.ts';
import { finished, ok, runEvents, started } from '../journal/journal-store-contract.ts';

it('announces "<runId> <first> <last>" and reads nothing else as an announcement', () => {
  expect(announcement({ runId: 'r-1', first: 3, last: 5 })).toBe('r-1 3 5');
  expect(parseAnnouncement('r-1 3 5')).toEqual({ runId: 'r-1', first: 3, last: 5 });
  for (const foreign of ['', 'r-1', 'r-1 5 3', 'r-1 0 2', 'r 1 2 3', 'r-1 x 2']) expect(parseAnnouncement(foreign)).toBeUndefined();
});

it('reads a run from where the feed left off, or from its first announced row, up to the newest announced row', () => {
  expect(wantMore(undefined, undefined, 4, 6)).toEqual({ next: 4, last: 6 });
  expect(wantMore({ next: 4, last: 6 }, undefined, 7, 9)).toEqual({ next: 4, last: 9 });
  expect(wantMore(undefined, 10, 12, 14)).toEqual({ next: 10, last: 14 });
});

describeWithPostgres('journal feed', () => {
  const database = useMigratedDatabase('file');
  const url = database.url;
  let db: Database;
  let store: PgJournalStore;
  let feed: JournalFeed | undefined;
  let heard: Map<string, RunEvent[]>;
  let calls: number;
  const follow = async (skip?: (runId: string) => boolean) => {
    feed = await followJournals(
      db,
      (runId, events) => {
        calls++;
        heard.set(runId, [...(heard.get(runId) ?? []), ...events]);
      },
      skip === undefined ? {} : { skip },
    );
  };
  /** Waits until the feed has delivered `count` events of `runId`. */
  const heardAll = (runId: string, count: number) => waitFor(() => ((heard.get(runId)?.length ?? 0) >= count ? heard.get(runId) : undefined));

  beforeAll(() => {
    db = database.db();
  });
  beforeEach(async () => {
    await db.query('TRUNCATE sb_journal, sb_runs');
    store = createPgJournalStore(db, { owner: 'worker-a' });
    heard = new Map();
    calls = 0;
  });
  afterEach(async () => {
    await feed?.close();
    feed = undefined;
    await store.close();
  });

  it("delivers a run's events in order and each once, however its writes are batched", async () => {
    await follow();
    const journal = await store.open('burst');
    const all = runEvents('burst', [started(), ...Array.from({ length: 600 }, (_, i) => ok(`n${i}`))]);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 400; i += 2) writes.push(journal.append(all.slice(i, i + 2)));
    await Promise.all(writes);
    for (let i = 400; i < all.length; i += 4) await journal.append(all.slice(i, i + 4));
    const last = runEvents('burst', [finished]).map((e) => ({ ...e, seq: all.length + 1 }));
    await journal.append(last);
    await journal.close();

    const delivered = await heardAll('burst', all.length + 1);
    expect(delivered).toEqual([...all, ...last]);
  });

  it("leaves out the runs it is told to skip and follows the others' runs side by side", async () => {
    await follow((runId) => runId.startsWith('own-'));
    const own = await store.open('own-1');
    const theirs = await Promise.all(['w-1', 'w-2'].map((id) => store.open(id)));
    await own.append(runEvents('own-1', [started(), ok('start')]));
    for (const [i, journal] of theirs.entries()) await journal.append(runEvents(journal.runId, [started(`P${i}`), ok('start')]));
    for (const journal of theirs) await journal.append(runEvents(journal.runId, [ok('a')]).map((e) => ({ ...e, seq: 3 })));
    expect((await heardAll('w-1', 3)).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect((await heardAll('w-2', 3)).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(heard.has('own-1')).toBe(false);
    await Promise.all([own, ...theirs].map((j) => j.close()));
  });

  it('fills a missed announcement from the next one, and ignores what is not an announcement', async () => {
    await follow();
    const journal = await store.open('gappy');
    const all = runEvents('gappy', [started(), ok('start'), ok('a'), ok('b'), ok('c')]);
    await journal.append(all.slice(0, 2));
    await heardAll('gappy', 2);
    const insert = 'INSERT INTO sb_journal (run_id, seq, line) VALUES ($1, $2, $3)';
    for (const event of all.slice(2)) await db.query(insert, ['gappy', event.seq, encodeEvent(event)]);
    await db.query("SELECT pg_notify('sb_journal', 'not an announcement')");
    await db.query("SELECT pg_notify('sb_journal', 'gappy 5 5')");
    expect(await heardAll('gappy', 5)).toEqual(all);
    await journal.close();
  });

  it('catches up once its LISTEN connection comes back: a run it follows from where it left off, a leased run it never heard of from its start', async () => {
    await follow();
    const followed = await store.open('followed');
    const quiet = await store.open('quiet');
    const all = runEvents('followed', [started(), ok('start'), ok('a'), ok('b'), ok('c')]);
    await followed.append(all.slice(0, 2));
    await heardAll('followed', 2);
    // Written while the feed could not hear: no announcement reaches it.
    const insert = 'INSERT INTO sb_journal (run_id, seq, line) VALUES ($1, $2, $3)';
    for (const event of all.slice(2)) await db.query(insert, ['followed', event.seq, encodeEvent(event)]);
    const quietEvents = runEvents('quiet', [started(), ok('start')]);
    for (const event of quietEvents) await db.query(insert, ['quiet', event.seq, encodeEvent(event)]);

    const name = new URL(url()).pathname.slice(1);
    const dropped = await db.query("WITH p AS MATERIALIZED (SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE '%-listen') SELECT pid FROM p WHERE pg_terminate_backend(pid)", [name]);
    expect(dropped).toHaveLength(1);
    expect(await heardAll('followed', 5)).toEqual(all);
    expect(await heardAll('quiet', 2)).toEqual(quietEvents);
    await Promise.all([followed.close(), quiet.close()]);
  });

  it('follows a run from the first write it hears of, and delivers nothing once closed', async () => {
    const journal = await store.open('joined');
    const all = runEvents('joined', [started(), ok('start'), ok('a'), ok('b')]);
    await journal.append(all.slice(0, 2));
    await follow();
    await journal.append(all.slice(2, 3));
    expect(await heardAll('joined', 1)).toEqual(all.slice(2, 3));
    await feed!.close();
    const heardBefore = calls;
    let controlHeard: RunEvent[] | undefined;
    const control = await followJournals(db, (_runId, events) => (controlHeard = events));
    await journal.append(all.slice(3));
    expect(await waitFor(() => controlHeard)).toEqual(all.slice(3));
    await control.close();
    expect(calls).toBe(heardBefore);
    await journal.close();
  });
});
