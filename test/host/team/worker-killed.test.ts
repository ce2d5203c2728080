import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../host/team/db/database.ts';
import { startWorker, type Worker } from '../../../host/team/worker.ts';
import { labControl } from '../../support/lab-control.ts';
import { describeWithPostgres, useTestDatabase } from '../../support/postgres.ts';
import { startTeamHost, type TeamHost } from '../../support/team-fixture.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { waitFor } from '../../support/wait-for.ts';
import { spawnWorkerChild } from '../../support/worker-child.ts';

/**
 * Issue 13: a worker killed with SIGKILL mid-run (a slow lab call in flight) loses its lease; another
 * worker resumes the run from the journal under the unknown-outcome rule, and no write is sent twice.
 */
describeWithPostgres('a worker killed mid-run', () => {
  const url = useTestDatabase();
  const dir = useTempDir('sb-team-kill-');
  let team: TeamHost;
  let db: Database;
  let child: ChildProcess | undefined;
  let rescuer: Worker | undefined;
  beforeEach(async () => {
    team = await startTeamHost(url(), dir());
    db = await openDatabase(url());
  });
  afterEach(async () => {
    child?.kill('SIGKILL');
    await rescuer?.close({ graceMs: 0 });
    await team.close();
    await db.close();
  });

  const twin = (id: string) => team.lab.twins.find((t) => t.id === id)!;
  const control = (id: string) => ({ url: twin(id).url, controlToken: team.lab.controlToken });
  const requestsTo = (id: string, pattern: RegExp) => twin(id).requests.filter((r) => pattern.test(r.path)).length;

  /** `switchboard worker` as a child process with a 2 s lease. */
  const spawnWorker = (): Promise<ChildProcess> => spawnWorkerChild(url(), team.vaultKey, ['--concurrency', '2', '--lease-seconds', '2']);

  it('resumes the run on another worker: the ticket created before the kill is reused, not created again', async () => {
    await labControl(control('virustotal'), '/_lab/faults', { path: '203\\.0\\.113\\.9', delayMs: 120_000, times: 1 });
    child = await spawnWorker();
    const issuesBefore = requestsTo('jira', /\/issue$/);
    const [event] = await team.accept('team-lab', [{ ip: '198.51.100.50', recheck: '203.0.113.9' }]);
    await waitFor(() => (requestsTo('virustotal', /203\.0\.113\.9/) === 1 ? true : undefined), { timeoutMs: 30_000 });
    // The ticket's answer is journalled (its success may trail the next node's request by one write).
    const ticketDone = "SELECT 1 FROM sb_journal WHERE line LIKE '%\"type\":\"node.succeeded\"%' AND line LIKE '%\"nodeId\":\"ticket\"%'";
    await waitFor(async () => ((await db.query(ticketDone)).length > 0 ? true : undefined), { timeoutMs: 30_000 });
    child.kill('SIGKILL');

    rescuer = await startWorker({ database: url(), concurrency: 2, keyProvider: team.keyProvider, leaseMs: 2_000 });
    const [ended] = await team.settled([event!.id]);
    expect(ended!.status).toBe('done');
    const runIds = (await db.query<{ run_id: string }>('SELECT run_id FROM sb_runs ORDER BY run_id')).map((r) => r.run_id);
    expect(runIds).toEqual([ended!.runId, `${ended!.runId}-r1`]);
    expect((await team.host.context.runs.get(ended!.runId!)).state.status).toBe('interrupted');
    expect((await team.host.context.runs.get(`${ended!.runId}-r1`)).state.status).toBe('succeeded');
    expect(requestsTo('jira', /\/issue$/) - issuesBefore).toBe(1);
    expect(requestsTo('virustotal', /203\.0\.113\.9/)).toBe(2);
  }, 90_000);

  it('never sends again a write whose outcome it cannot know: the resumed run fails and says so', async () => {
    await labControl(control('jira'), '/_lab/faults', { method: 'POST', path: '/issue$', delayMs: 120_000, times: 1 });
    child = await spawnWorker();
    const issuesBefore = requestsTo('jira', /\/issue$/);
    const [event] = await team.accept('team-lab', [{ ip: '198.51.100.51', recheck: '198.51.100.51' }]);
    await waitFor(() => (requestsTo('jira', /\/issue$/) - issuesBefore === 1 ? true : undefined), { timeoutMs: 30_000 });
    child.kill('SIGKILL');

    rescuer = await startWorker({ database: url(), concurrency: 2, keyProvider: team.keyProvider, leaseMs: 2_000 });
    const [ended] = await team.settled([event!.id]);
    expect(ended!.status).toBe('failed');
    const resumed = await team.host.context.runs.get(`${ended!.runId}-r1`);
    expect(resumed.state.nodes['ticket']).toMatchObject({ status: 'failed', error: { code: 'UNKNOWN_OUTCOME' } });
    expect(requestsTo('jira', /\/issue$/) - issuesBefore).toBe(1);
  }, 90_000);
});
