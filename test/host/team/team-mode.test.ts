import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { RunEvent } from '../../../engine/run/events.ts';
import { openDatabase, type Database } from '../../../host/team/db/database.ts';
import { startWorker, type Worker } from '../../../host/team/worker.ts';
import { ADMIN_URL, describeWithPostgres, useTestDatabase } from '../../support/postgres.ts';
import { startTeamHost, TEAM_APPROVAL_PLAYBOOK, TEAM_LAB_PLAYBOOK, type TeamHost } from '../../support/team-fixture.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { waitFor } from '../../support/wait-for.ts';
import { cli } from '../cli/harness.ts';

/** Issue 13: a team server queues events in PostgreSQL; workers take them through pg-boss and run each exactly once. */
describeWithPostgres('team mode: a server and its workers', () => {
  const url = useTestDatabase();
  const dir = useTempDir('sb-team-');
  let team: TeamHost;
  let db: Database;
  const workers: Worker[] = [];
  beforeEach(async () => {
    team = await startTeamHost(url(), dir(), [TEAM_LAB_PLAYBOOK, TEAM_APPROVAL_PLAYBOOK]);
    db = await openDatabase(url());
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close({ graceMs: 0 })));
    await team.close();
    await db.close();
  });
  const worker = async (concurrency: number) => {
    const started = await startWorker({ database: url(), concurrency, keyProvider: team.keyProvider, leaseMs: 3_000 });
    workers.push(started);
    return started;
  };
  /** Runs `sql` as the test's administrator (outside the test database). */
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: ADMIN_URL });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  /** An event's status, read through the test's own connection (open already, so it works while no new one is allowed). */
  const statusOf = async (eventId: string) => (await db.query<{ status: string }>('SELECT status FROM sb_inbox_events WHERE id = $1', [eventId]))[0]?.status;
  const jiraIssues = () => Object.keys((team.lab.twins.find((t) => t.id === 'jira')!.state() as { issues: Record<string, unknown> }).issues).length;

  it('two workers drain 200 queued lab runs: every run starts once, finishes once, and writes once', async () => {
    const before = jiraIssues();
    const events = await team.accept(
      'team-lab',
      Array.from({ length: 200 }, (_, i) => ({ ip: `198.51.100.${i % 250}`, recheck: `198.51.100.${i % 250}` })),
    );
    const [a, b] = [await worker(4), await worker(4)];
    const ended = await team.settled(events.map((e) => e.id), 120_000);

    expect(ended.filter((e) => e.status === 'done')).toHaveLength(200);
    expect(new Set(ended.map((e) => e.runId)).size).toBe(200);
    const runs = await db.query<{ run_id: string; lease_owner: string | null }>('SELECT run_id, lease_owner FROM sb_runs');
    expect(runs).toHaveLength(200);
    expect(runs.filter((r) => r.lease_owner !== null)).toEqual([]);
    expect(a.stats().started + b.stats().started).toBe(200);
    expect(a.stats().succeeded + b.stats().succeeded).toBe(200);
    expect(jiraIssues() - before).toBe(200);
  }, 180_000);

  it('streams the journal of a run on a worker to the editors of the server, and lists it there', async () => {
    const frames: RunEvent[] = [];
    team.host.subscribe((frame) => {
      if (frame.event === 'run.event') frames.push(frame.payload as RunEvent);
    });
    await worker(2);
    const [event] = await team.accept('team-lab', [{ ip: '198.51.100.20', recheck: '198.51.100.20' }]);
    const [ended] = await team.settled([event!.id]);
    const runId = ended!.runId!;
    await waitFor(() => (frames.some((f) => f.runId === runId && f.type === 'run.finished') ? true : undefined));
    expect(frames.filter((f) => f.runId === runId && f.type === 'node.succeeded').map((f) => (f as { nodeId: string }).nodeId)).toEqual(['start', 'reputation', 'ticket', 'recheck', 'done']);
    const { state } = await team.host.context.runs.get(runId);
    expect(state.status).toBe('succeeded');
    expect((await team.host.context.runs.list('team-lab')).map((r) => r.runId)).toContain(runId);

    const runs = await cli(['runs', '--database', url(), '--json'], { cwd: process.cwd() });
    expect(runs.code).toBe(0);
    expect(JSON.parse(runs.stdout)).toEqual([expect.objectContaining({ runId, playbookId: 'team-lab', status: 'succeeded' })]);
    const events = await cli(['events', '--database', url()], { cwd: process.cwd() });
    expect(events.stdout).toMatch(new RegExp(`^${event!.id}\\s+team-lab\\s+manual\\s+done\\s+\\S+ \\S+\\s+${runId}\\s+0$`, 'm'));
  });

  it('a run waiting for an approval holds no worker slot; the approver decides on the server and the worker carries on', async () => {
    const one = await worker(1);
    const [waiting] = await team.accept('team-approval', [{ ip: '198.51.100.30' }]);
    const runId = await waitFor(async () => (await team.host.context.triggers.inbox.get(waiting!.id))?.runId);
    await waitFor(async () => {
      const stored = await team.host.context.runs.get(runId).catch(() => undefined);
      return stored?.state.approvals['ask'] !== undefined ? true : undefined;
    });
    expect(one.runs.freeSlots()).toBe(1);

    const [other] = await team.accept('team-lab', [{ ip: '198.51.100.31', recheck: '198.51.100.31' }]);
    expect((await team.settled([other!.id]))[0]!.status).toBe('done');

    expect(await team.host.context.runs.decide({ runId, nodeId: 'nope', decision: 'approved' }, 'abe')).toEqual({ ok: false });
    expect(await team.host.context.runs.decide({ runId, nodeId: 'ask', decision: 'approved' }, 'abe')).toEqual({ ok: true });
    const [decided] = await team.settled([waiting!.id]);
    expect(decided!.status).toBe('done');
    const { events } = await team.host.context.runs.get(runId);
    expect(events.find((e) => e.type === 'approval.decided')).toMatchObject({ nodeId: 'ask', decision: 'approved', by: 'abe' });
  });

  it('a worker that could not hear while an event was queued (its LISTEN connection down) catches up once it reconnects, and runs it', async () => {
    const one = await worker(2);
    const name = new URL(url()).pathname.slice(1);
    let eventId: string;
    // The server keeps the connections it has open: enough for accepting and queueing while no new one is allowed.
    await Promise.all(Array.from({ length: 8 }, () => team.host.context.triggers.inbox.list({ limit: 1 })));
    // PostgreSQL refuses new connections to the database for a while, and the worker's LISTEN connection is cut.
    await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    try {
      const cut = await db.query(
        "WITH p AS MATERIALIZED (SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'switchboard-worker-listen') SELECT pid FROM p WHERE pg_terminate_backend(pid)",
        [name],
      );
      expect(cut).toHaveLength(1);
      const [event] = await team.accept('team-lab', [{ ip: '198.51.100.40', recheck: '198.51.100.40' }]);
      eventId = event!.id;
      await waitFor(async () => ((await statusOf(eventId)) === 'queued' ? true : undefined));
    } finally {
      await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    }
    const [ended] = await team.settled([eventId]);
    expect(ended!.status).toBe('done');
    expect(one.stats().started).toBe(1);
  });

  it("a queued event whose job pg-boss gave up on is sent again by a worker's reaper, and runs once", async () => {
    const [event] = await team.accept('team-lab', [{ ip: '198.51.100.41', recheck: '198.51.100.41' }]);
    await waitFor(async () => ((await statusOf(event!.id)) === 'queued' ? true : undefined));
    // As pg-boss leaves a job after its last retry expired (its workers died between fetch and commit).
    const failed = await db.query("UPDATE pgboss.job SET state = 'failed', completed_on = now() WHERE name = 'sb-runs' AND data->>'eventId' = $1 RETURNING id", [event!.id]);
    expect(failed).toHaveLength(1);
    const before = jiraIssues();
    const one = await worker(2);
    const [ended] = await team.settled([event!.id]);
    expect(ended!.status).toBe('done');
    expect(one.stats().started).toBe(1);
    expect(jiraIssues() - before).toBe(1);
    const jobs = await db.query<{ state: string }>("SELECT state FROM pgboss.job WHERE name = 'sb-runs' AND data->>'eventId' = $1 ORDER BY created_on", [event!.id]);
    expect(jobs.map((j) => j.state)).toEqual(['failed', 'completed']);
  });
});
