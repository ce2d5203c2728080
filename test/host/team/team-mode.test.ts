import { afterEach, beforeEach, expect, it } from 'vitest';
import type { RunEvent } from '../../../engine/run/events.ts';
import { openDatabase, type Database } from '../../../host/team/db/database.ts';
import { startWorker, type Worker } from '../../../host/team/worker.ts';
import { describeWithPostgres, useTestDatabase } from '../../support/postgres.ts';
import { startTeamHost, TEAM_APPROVAL_PLAYBOOK, TEAM_LAB_PLAYBOOK, type TeamHost } from '../../support/team-fixture.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { waitFor } from '../../support/wait-for.ts';

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
});
