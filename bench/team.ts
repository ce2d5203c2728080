import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHost } from '../host/host.ts';
import { openDatabase } from '../host/team/db/database.ts';
import type { EventInbox } from '../host/triggers/contract.ts';
import { environmentKeyProvider } from '../host/vault/key-provider.ts';
import { saveWorkspaceSettings } from '../host/workspace/settings.ts';
import { startLab, type Lab } from '../host/lab/lab.ts';
import { labVendors } from '../host/lab/vendors.ts';
import { createTestDatabase, postgresReachable } from '../test/support/postgres.ts';
import { startTeamHost, TEAM_LAB_PLAYBOOK } from '../test/support/team-fixture.ts';
import { labControl } from '../test/support/lab-control.ts';
import { spawnWorkerChild } from '../test/support/worker-child.ts';
import type { BenchResult } from './stats.ts';
import { benchResult, formatFigure } from './stats.ts';

/**
 * The `team` group (issue 13): runs per second of the 5-node lab playbook (two VirusTotal reads,
 * a Jira create, a summary) drained by `switchboard worker` processes from a queue of 2,000 on a
 * team server, each twin answering 50 ms late (a fast vendor API). The queue is filled before the
 * workers start and the server only queues (it reads no journal back while no editor watches), so
 * during the drain the CPU goes to the workers, PostgreSQL and the twins. Baselines: the desktop
 * host (embedded inbox, one process) draining the same 2,000 events, and one worker for two.
 */

const EVENTS = 2_000;
/** Runs each worker executes at once. */
const CONCURRENCY = 8;

function progress(line: string): void {
  process.stderr.write(`  team: ${line}\n`);
}

const payloads = () => Array.from({ length: EVENTS }, (_, i) => ({ ip: `198.51.100.${i % 250}`, recheck: `198.51.100.${(i + 7) % 250}` }));

/** CPU seconds (user + system) a process has used, from /proc (Linux); 0 when it cannot be read. */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by this process, each worker and PostgreSQL's backends: where a drain's CPU went. */
function cpuShares(workers: readonly ChildProcess[]): { bench: number; workers: number; postgres: number } {
  const own = process.cpuUsage();
  const postgres = fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    })
    .reduce((sum, pid) => sum + cpuSecondsOf(Number(pid)), 0);
  return { bench: (own.user + own.system) / 1e6, workers: workers.reduce((sum, w) => sum + cpuSecondsOf(w.pid!), 0), postgres };
}

/**
 * Waits until every event ended, counting with `count` (cheap: the poll must not load the machine it
 * measures); throws naming the first failure, since a failed run is not a measured one.
 */
async function allEnded(inbox: Pick<EventInbox, 'list'>, count: (status: 'done' | 'failed') => Promise<number>): Promise<void> {
  for (;;) {
    if ((await count('failed')) > 0) {
      const [failed] = await inbox.list({ status: 'failed', limit: 1 });
      throw new Error(`event ${failed?.id} failed: ${failed?.error ?? 'no reason given'}`);
    }
    if ((await count('done')) >= EVENTS) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs/s of `workers` worker processes draining 2,000 queued events, timed from when all of them take runs. */
async function drain(workers: number, latencyMs: number): Promise<number> {
  const database = await createTestDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-team-'));
  const children: ChildProcess[] = [];
  const team = await startTeamHost(database.url, dir);
  try {
    await slowTwins(team.lab, latencyMs);
    const events = await team.accept('team-lab', payloads());
    const inbox = team.host.context.triggers.inbox;
    const db = await openDatabase(database.url, { max: 1 });
    const count = async (status: 'queued' | 'done' | 'failed') => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM sb_inbox_events WHERE status = $1', [status]))[0]!.n);
    while ((await count('queued')) < events.length) await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < workers; i++) children.push(await spawnWorkerChild(database.url, team.vaultKey, ['--concurrency', String(CONCURRENCY)]));
    const started = performance.now();
    const cpuBefore = cpuShares(children);
    const doneAtStart = await count('done');
    await allEnded(inbox, count);
    await db.close();
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuShares(children);
    const rate = (EVENTS - doneAtStart) / seconds;
    progress(`${workers} worker(s) × ${CONCURRENCY}, twins answering in ${latencyMs} ms: ${EVENTS - doneAtStart} runs in ${seconds.toFixed(2)} s after all took runs (${doneAtStart} before) = ${formatFigure(rate)} runs/s`);
    const share = (used: number) => `${((100 * used) / seconds).toFixed(0)} %`;
    progress(
      `  CPU of the drain (of 200 %): workers ${share(cpu.workers - cpuBefore.workers)}, PostgreSQL ${share(cpu.postgres - cpuBefore.postgres)}, server + lab twins + this loop ${share(cpu.bench - cpuBefore.bench)}`,
    );
    return rate;
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await team.close();
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs/s of the desktop host draining the same 2,000 events from its embedded inbox, 8 at once. */
async function desktopDrain(latencyMs: number): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-desk-'));
  const shipped = path.join(dir, 'shipped');
  fs.mkdirSync(shipped);
  fs.writeFileSync(path.join(shipped, 'team-lab.playbook.json'), JSON.stringify(TEAM_LAB_PLAYBOOK));
  const lab = await startLab(labVendors);
  await slowTwins(lab, latencyMs);
  const host = await createHost({
    workspaceDir: path.join(dir, 'ws'),
    lab,
    shippedDir: shipped,
    maxLiveRuns: CONCURRENCY,
    keyProvider: environmentKeyProvider({ SWITCHBOARD_VAULT_KEY: crypto.randomBytes(32).toString('base64') }),
    env: {},
  });
  try {
    await saveWorkspaceSettings(host.context.workspace.dir, { labMode: true });
    await host.context.triggers.publish('team-lab');
    const inbox = host.context.triggers.inbox;
    const { revision } = await host.context.workspace.readPlaybook('team-lab');
    const started = performance.now();
    await Promise.all(payloads().map((payload) => inbox.accept({ playbookId: 'team-lab', revision, triggerNodeId: 'start', source: 'manual', receivedAt: Date.now(), payload })));
    await allEnded(inbox, async (status) => (await inbox.list({ status, limit: EVENTS })).length);
    const rate = EVENTS / ((performance.now() - started) / 1000);
    progress(`desktop host, ${CONCURRENCY} at once, twins answering in ${latencyMs} ms: ${formatFigure(rate)} runs/s`);
    return rate;
  } finally {
    await host.close();
    await lab.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Every twin answers `latencyMs` late (a lab fault with no status: the request is then served as
 * usual). Real vendor APIs take tens to hundreds of milliseconds, so a worker waits far more than it
 * computes; twins answering at once make the drain a measure of this machine's two cores instead.
 */
async function slowTwins(lab: Lab, latencyMs: number): Promise<void> {
  if (latencyMs === 0) return;
  for (const twin of lab.twins) {
    const response = await labControl({ url: twin.url, controlToken: lab.controlToken }, '/_lab/faults', { path: '.', delayMs: latencyMs });
    if (!response.ok) throw new Error(`${twin.id}: /_lab/faults answered ${response.status}`);
  }
}

/** The vendor latency the team lines are measured at. */
const LATENCY_MS = 50;

let oneWorker: number | undefined;

/** `team-runs-1-worker`: one worker process; baseline the desktop host on the same events. */
export async function teamRuns1Worker(): Promise<BenchResult> {
  if (!postgresReachable) return unreachable('team-runs-1-worker');
  const baseline = await desktopDrain(LATENCY_MS);
  oneWorker = await drain(1, LATENCY_MS);
  return benchResult('team-runs-1-worker', oneWorker, baseline);
}

/** `team-runs-2-workers`: two worker processes; baseline one worker (ratio: the scale-out, target ≥ 1.7). */
export async function teamRuns2Workers(): Promise<BenchResult> {
  if (!postgresReachable) return unreachable('team-runs-2-workers');
  const baseline = oneWorker ?? (await drain(1, LATENCY_MS));
  return benchResult('team-runs-2-workers', await drain(2, LATENCY_MS), baseline);
}

/** `team-runs-2-workers-instant`: the same with twins answering at once: what two cores allow when no run waits (informational). */
export async function teamRuns2WorkersInstant(): Promise<BenchResult> {
  if (!postgresReachable) return unreachable('team-runs-2-workers-instant');
  const baseline = await drain(1, 0);
  return benchResult('team-runs-2-workers-instant', await drain(2, 0), baseline);
}

function unreachable(name: string): BenchResult {
  progress(`${name}: PostgreSQL is not reachable (set SWITCHBOARD_TEST_POSTGRES); skipped`);
  return benchResult(name, NaN, NaN);
}
