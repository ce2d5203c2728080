import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { openDatabase } from '../../../host/team/db/database.ts';
import type { Database } from '../../../host/team/db/database.ts';
import { migrate } from '../../../host/team/db/migrations.ts';
import { openPgInbox, requeueOrphans, requeueStranded } from '../../../host/team/pg-inbox.ts';
import type { PgInbox } from '../../../host/team/pg-inbox.ts';
import { openRunQueue } from '../../../host/team/run-queue.ts';
import type { RunQueue, RunQueueOptions } from '../../../host/team/run-queue.ts';
import type { InboxEvent } from '../../../host/triggers/contract.ts';
import { ADMIN_URL, describeWithPostgres, useTestDatabase } from '../../support/postgres.ts';
import { waitFor } from '../../support/wait-for.ts';
import { describeInboxContract } from '../triggers/inbox-contract.ts';
import { hookEvent } from '../triggers/inbox-behaviour.ts';

describeWithPostgres('the PostgreSQL inbox (openPgInbox)', () => {
  const url = useTestDatabase('each');
  const opened: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of opened.splice(0).reverse()) await close();
  });

  /** One process of the team (server or worker): its own connection, run queue and inbox on the test database. */
  const member = async (options: { now?: () => number; queue?: RunQueueOptions } = {}): Promise<{ db: Database; queue: RunQueue; inbox: PgInbox }> => {
    const db = await openDatabase(url(), { max: 4 });
    opened.push(() => db.close());
    await migrate(db);
    const queue = await openRunQueue(url(), options.queue);
    opened.push(() => queue.close());
    const inbox = await openPgInbox(db, queue, options.now ? { now: options.now } : {});
    opened.push(() => inbox.close());
    return { db, queue, inbox };
  };

  /** `count` events accepted and queued through `inbox`, oldest first. */
  const queued = async (inbox: PgInbox, count: number): Promise<string[]> => {
    const ids = (await inbox.acceptBatch(Array.from({ length: count }, () => hookEvent()), { key: 'setup', value: String(count) })).map((a) => a.event.id);
    for (const id of ids) await inbox.enqueue(id);
    return ids;
  };

  /** Claims through `inbox`, 32 at a time, until the queue looks empty; the events it got. */
  const claimAll = async (inbox: PgInbox, runPrefix: string): Promise<InboxEvent[]> => {
    const got: InboxEvent[] = [];
    for (;;) {
      const round = await Promise.all(Array.from({ length: 32 }, () => inbox.claim((e) => `${runPrefix}-${e.id}`)));
      const events = round.filter((e): e is InboxEvent => e !== undefined);
      got.push(...events);
      if (events.length < round.length) return got;
    }
  };

  /** Jobs of the run queue not yet handed out (pg-boss's own table). */
  const waitingJobs = async (db: Database): Promise<number> =>
    Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM pgboss.job WHERE name = 'sb-runs' AND state < 'active'"))[0]!.n);

  /** The run queue's jobs of one event, by state (pg-boss's own table). */
  const jobsOf = async (db: Database, eventId: string): Promise<string[]> =>
    (await db.query<{ state: string }>("SELECT state FROM pgboss.job WHERE name = 'sb-runs' AND data->>'eventId' = $1 ORDER BY created_on", [eventId])).map((r) => r.state);

  /** Ends the LISTEN connections on the test database from outside, as a restart or a network blip does. */
  const dropListenConnections = async (db: Database): Promise<number> =>
    (
      await db.query("WITH p AS MATERIALIZED (SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE '%-listen') SELECT pid FROM p WHERE pg_terminate_backend(pid)", [
        new URL(url()).pathname.slice(1),
      ])
    ).length;

  describeInboxContract('PostgreSQL (openPgInbox)', async (now) => (await member({ now })).inbox);

  it('claims each of 200 queued events exactly once when two worker processes claim at the same time', async () => {
    const server = await member();
    const [a, b] = await Promise.all([member(), member()]);
    const ids = await queued(server.inbox, 200);
    const [byA, byB] = await Promise.all([claimAll(a.inbox, 'a'), claimAll(b.inbox, 'b')]);
    const claimed = [...byA, ...byB].map((e) => e.id);
    expect(claimed).toHaveLength(200);
    expect(new Set(claimed)).toEqual(new Set(ids));
    for (const event of [...byA, ...byB]) expect(event.runId).toBe(`${byA.includes(event) ? 'a' : 'b'}-${event.id}`);
    expect((await server.inbox.unfinished()).every((e) => e.status === 'running')).toBe(true);
    expect(await waitingJobs(server.db)).toBe(0);
  }, 120_000);

  it('hands out again, after its expiry, the job of a worker that fetched it and died before its commit', async () => {
    const { inbox, queue } = await member({ queue: { expireInSeconds: 1, retryDelaySeconds: 0, maintenanceIntervalSeconds: 1 } });
    const [id] = await queued(inbox, 1);
    const taken = await queue.fetch(1);
    expect(taken.map((job) => job.eventId)).toEqual([id]);
    expect(await inbox.claim(() => 'too-early')).toBeUndefined();
    expect(await inbox.get(id!)).toMatchObject({ status: 'queued' });
    let claimed: InboxEvent | undefined;
    let polling = true;
    const poll = (async () => {
      while (polling && claimed === undefined) {
        claimed = await inbox.claim(() => 'run-after-expiry');
        if (claimed === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      await waitFor(() => claimed, { timeoutMs: 60_000 });
    } finally {
      polling = false;
      await poll;
    }
    expect(claimed).toMatchObject({ id, status: 'running', runId: 'run-after-expiry' });
  }, 90_000);

  it('requeues each orphaned run exactly once across two concurrent reapers, keeping its run id, and leaves leased runs alone', async () => {
    const server = await member();
    const reaper = await member();
    const ids = await queued(server.inbox, 54);
    const running = await claimAll(server.inbox, 'run');
    expect(running).toHaveLength(54);
    const [live, resumed, expired, released, ...orphans] = running.map((e) => e.runId!) as [string, string, string, string, ...string[]];
    await server.db.query(
      `INSERT INTO sb_runs (run_id, lease_owner, lease_until) VALUES
         ($1, 'worker-1', now() + interval '1 minute'),
         ($2, NULL, NULL), ($2 || '-r1', 'worker-2', now() + interval '1 minute'),
         ($3, 'worker-3', now() - interval '1 second'),
         ($4, NULL, NULL)`,
      [live, resumed, expired, released],
    );
    expect(await requeueOrphans(server.db, server.queue, { graceMs: 3_600_000 })).toBe(0);
    const counts = await Promise.all([requeueOrphans(server.db, server.queue, { graceMs: 0 }), requeueOrphans(reaper.db, reaper.queue, { graceMs: 0 })]);
    expect(counts[0] + counts[1]).toBe(52);
    expect(await requeueOrphans(server.db, server.queue, { graceMs: 0 })).toBe(0);
    expect(await waitingJobs(server.db)).toBe(52);
    const byRun = new Map(running.map((e) => [e.runId!, e.id]));
    expect((await server.inbox.get(byRun.get(live)!))?.status).toBe('running');
    expect((await server.inbox.get(byRun.get(resumed)!))?.status).toBe('running');
    const again = await claimAll(reaper.inbox, 'new');
    expect(new Set(again.map((e) => e.id))).toEqual(new Set([expired, released, ...orphans].map((runId) => byRun.get(runId))));
    expect(again.every((e) => e.runId === `run-${e.id}`)).toBe(true);
    expect(ids).toHaveLength(54);
  }, 120_000);

  it('gives a queued event whose job failed after its retries a new job once the grace has passed, and the event is claimed then', async () => {
    const { db, inbox, queue } = await member({ queue: { expireInSeconds: 1, retryLimit: 0, maintenanceIntervalSeconds: 1 } });
    const [id] = await queued(inbox, 1);
    expect((await queue.fetch(1)).map((job) => job.eventId)).toEqual([id]);
    // The worker that fetched the job died before its commit, and pg-boss has no retry left.
    await waitFor(async () => ((await jobsOf(db, id!)).join() === 'failed' ? true : undefined), { timeoutMs: 60_000, intervalMs: 200 });
    expect(await inbox.claim(() => 'too-early')).toBeUndefined();
    expect(await requeueStranded(db, queue, { graceMs: 3_600_000 })).toBe(0);

    expect(await requeueStranded(db, queue, { graceMs: 0 })).toBe(1);
    expect(await requeueStranded(db, queue, { graceMs: 0 })).toBe(0);
    expect(await jobsOf(db, id!)).toEqual(['failed', 'created']);
    expect(await inbox.claim(() => 'run-after-reaping')).toMatchObject({ id, status: 'running', runId: 'run-after-reaping' });
  }, 90_000);

  it('sends one job for each queued event left without one across two concurrent reapers, and leaves the others alone', async () => {
    const server = await member();
    const reaper = await member();
    const ids = await queued(server.inbox, 40);
    const lost = ids.filter((_, i) => i % 2 === 0);
    await server.db.query("DELETE FROM pgboss.job WHERE name = 'sb-runs' AND data->>'eventId' = ANY($1)", [lost]);
    const heard: InboxEvent[] = [];
    reaper.inbox.subscribe((e) => heard.push(e));

    const counts = await Promise.all([requeueStranded(server.db, server.queue, { graceMs: 0 }), requeueStranded(reaper.db, reaper.queue, { graceMs: 0 })]);
    expect(counts[0] + counts[1]).toBe(20);
    expect(await requeueStranded(server.db, server.queue, { graceMs: 0 })).toBe(0);
    expect(await waitingJobs(server.db)).toBe(40);
    for (const id of lost) expect(await jobsOf(server.db, id)).toEqual(['created']);
    // Announced again, so the dispatchers that listen claim them.
    await waitFor(() => (heard.length >= 20 ? true : undefined));
    expect(new Set(heard.map((e) => `${e.id} ${e.status}`))).toEqual(new Set(lost.map((id) => `${id} queued`)));
    const claimed = await claimAll(reaper.inbox, 'run');
    expect(claimed.map((e) => e.id).sort()).toEqual([...ids].sort());
  }, 120_000);

  it('tells its subscribers again of the events still waiting once its LISTEN connection comes back, and hears changes after', async () => {
    const server = await member();
    const worker = await member();
    const heard: InboxEvent[] = [];
    worker.inbox.subscribe((e) => heard.push(e));
    const [accepted, waiting, finished] = (await server.inbox.acceptBatch([hookEvent(), hookEvent(), hookEvent()], { key: 'k', value: '1' })).map((a) => a.event.id) as [string, string, string];
    await server.inbox.enqueue(waiting);
    await server.inbox.enqueue(finished);
    await server.inbox.finish(finished, 'rejected', 'not enabled');
    await waitFor(() => (heard.some((e) => e.id === finished && e.status === 'rejected') ? true : undefined));
    heard.length = 0;

    expect(await dropListenConnections(server.db)).toBe(2);
    await waitFor(() => (heard.length >= 2 ? true : undefined));
    expect(heard.map((e) => [e.id, e.status])).toEqual([
      [accepted, 'accepted'],
      [waiting, 'queued'],
    ]);
    await server.inbox.enqueue(accepted);
    await waitFor(() => (heard.length >= 3 ? true : undefined));
    expect(heard.slice(2).map((e) => [e.id, e.status])).toEqual([[accepted, 'queued']]);
  }, 60_000);

  it('announces every committed change to the other processes, small events inline and big ones by id', async () => {
    const server = await member();
    const worker = await member();
    const heard: InboxEvent[] = [];
    worker.inbox.subscribe((e) => heard.push(e));
    const small = (await server.inbox.accept(hookEvent())).event;
    const big = (await server.inbox.accept(hookEvent(undefined, { payload: { text: 'x'.repeat(20_000) } }))).event;
    await server.inbox.enqueue(small.id);
    await waitFor(() => (heard.length >= 3 ? true : undefined), { timeoutMs: 20_000 });
    expect(heard.map((e) => [e.id, e.status])).toEqual([
      [small.id, 'accepted'],
      [big.id, 'accepted'],
      [small.id, 'queued'],
    ]);
    expect(heard[1]).toEqual(big);
  }, 60_000);

  it('rejects with one line of INBOX_UNAVAILABLE when the database cannot be reached', async () => {
    const { inbox } = await member();
    const name = new URL(url()).pathname.slice(1);
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    admin.on('error', () => undefined);
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    } finally {
      await admin.end();
    }
    await expect(inbox.accept(hookEvent())).rejects.toThrow(/^INBOX_UNAVAILABLE: accepting an event failed on postgres:\/\/[^\n]+$/);
    await expect(inbox.claim(() => 'r')).rejects.toThrow(/^INBOX_UNAVAILABLE: /);
    await expect(inbox.list()).rejects.toThrow(/^INBOX_UNAVAILABLE: /);
    await expect(inbox.recordFire('pb', 'cron', 1)).rejects.toThrow(/^INBOX_UNAVAILABLE: /);
  }, 60_000);
});
