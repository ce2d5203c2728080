import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import type { NodeRegistry } from '../../engine/node-type.ts';
import { labAccessOf, type LabAccess } from '../lab/lab.ts';
import { builtinConnectors, createBuiltinRegistry } from '../../nodes/registry.ts';
import type { Connector } from '../../nodes/sdk/define-connector.ts';
import { parseLabInfo } from '../cli/lab-info.ts';
import { oneLineMessage } from '../protocol/host-error.ts';
import { createRunManager, type RunManager } from '../runs/run-manager.ts';
import { createDispatcher, type Dispatcher } from '../triggers/dispatcher.ts';
import { openPublishState, type PublishState } from '../triggers/publish-state.ts';
import { credentialKinds } from '../vault/credential-kinds.ts';
import type { KeyProvider } from '../vault/key-provider.ts';
import { openVault } from '../vault/vault.ts';
import { openWorkspace, workspacePaths } from '../workspace/workspace.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrate } from './db/migrations.ts';
import { DECISIONS_CHANNEL, readDecision } from './decisions.ts';
import { createPgJournalStore } from './pg-journal.ts';
import { openPgInbox, requeueOrphans, requeueStranded } from './pg-inbox.ts';
import { openRunQueue } from './run-queue.ts';
import { swappable } from './swappable.ts';
import { createWorkspaceMirror, WORKSPACE_CHANNEL } from './workspace-mirror.ts';

/** How long a worker's lease on a run lasts unless renewed; a killed worker's runs are taken up about this long after. */
export const DEFAULT_LEASE_MS = 15_000;

/** What `switchboard worker` starts. */
export interface WorkerOptions {
  /** postgres:// URL of the team server's database. */
  database: string;
  /** Runs executing at once (runs waiting for an approval do not count). Default 8. */
  concurrency?: number;
  /** The vault key: the same one the team server uses, from the environment or a key file, never the database. */
  keyProvider: KeyProvider;
  /** Where the workspace is read back to; default a private temp folder, removed on close. */
  cacheDir?: string;
  leaseMs?: number;
  registry?: NodeRegistry;
  connectors?: readonly Connector[];
  /** One line per problem or hand-back; default none. */
  log?: (line: string) => void;
}

/** A running worker. */
export interface Worker {
  /** Its lease owner name: `worker:<host>:<pid>:<random>`. */
  readonly id: string;
  readonly runs: RunManager;
  /** Runs this worker started (first attempts and resumes) and how they ended so far. */
  stats(): { started: number; succeeded: number; failed: number };
  /** Resolves when nothing is being claimed or started (tests). */
  idle(): Promise<void>;
  /**
   * Stops taking runs, waits up to `graceMs` for those executing to finish, then hands the rest
   * back (their leases released at once, so another worker resumes them from the journal).
   */
  close(options?: { graceMs?: number }): Promise<{ finished: number; handedBack: number }>;
}

/** A lab printout as the team server leaves it in the workspace (`lab.json`), when it runs a lab. */
async function readLabAccess(dir: string, connectors: readonly Connector[]): Promise<LabAccess | undefined> {
  const file = path.join(dir, 'lab.json');
  const text = await fs.promises.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return labAccessOf(parseLabInfo(JSON.parse(text), file), connectors);
  } catch {
    return undefined;
  }
}

/**
 * Starts a worker (DESIGN.md §11): reads the workspace back from the database, then claims queued
 * events through pg-boss and executes them with the same engine, connectors and journal format as
 * the desktop, holding a lease on each run. Runs of workers that vanished are put back on the queue
 * by every worker's reaper and taken up from their journals under the unknown-outcome rule.
 */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const log = options.log ?? (() => undefined);
  const registry = options.registry ?? createBuiltinRegistry();
  const connectors = options.connectors ?? builtinConnectors;
  const concurrency = options.concurrency ?? 8;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const id = `worker:${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  const ownCache = options.cacheDir === undefined;
  const dir = options.cacheDir ?? (await fs.promises.mkdtemp(path.join(os.tmpdir(), 'switchboard-worker-')));
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await Promise.resolve(step()).catch(() => undefined);
    if (ownCache) await fs.promises.rm(dir, { recursive: true, force: true });
  };

  try {
    const db: Database = await openDatabase(options.database, { max: Math.min(20, concurrency + 4), applicationName: 'switchboard-worker' });
    cleanups.push(() => db.close());
    await migrate(db);
    const mirror = createWorkspaceMirror(db, dir);
    if (await mirror.isEmpty()) throw new Error(`${db.where} holds no workspace yet: start the team server (switchboard serve --database …) first`);
    await mirror.pull();

    // The workspace, vault and lab as the server last wrote them; reopened when it writes them again.
    const workspace = swappable(await openWorkspace(dir, registry));
    const vault = swappable(await openVault(workspacePaths(dir).vault, options.keyProvider));
    const initialLab = await readLabAccess(dir, connectors);
    const lab = initialLab === undefined ? undefined : swappable(initialLab);
    const publish = await openPublishState(workspace.view, registry);
    let refreshing: Promise<void> = Promise.resolve();
    const refresh = (): Promise<void> =>
      (refreshing = refreshing.then(async () => {
        const changed = await mirror.pull();
        if (changed.length === 0) return;
        if (changed.includes('vault.json')) vault.swap(await openVault(workspacePaths(dir).vault, options.keyProvider));
        if (changed.some((p) => p === 'bindings.json' || p.startsWith('playbooks/'))) workspace.swap(await openWorkspace(dir, registry));
        if (changed.includes('lab.json') && lab !== undefined) lab.swap((await readLabAccess(dir, connectors)) ?? lab.current());
        await publish.reload();
      }).catch((err: unknown) => log(`worker: reading the workspace back failed: ${oneLineMessage(err)}`)));
    // After the LISTEN connection came back, a push may have gone unheard: read the workspace back anyway.
    cleanups.push(await db.listen(WORKSPACE_CHANNEL, () => void refresh(), { onReconnect: () => void refresh() }));

    const queue = await openRunQueue(options.database);
    cleanups.push(() => queue.close());
    const inbox = await openPgInbox(db, queue);
    cleanups.push(() => inbox.close());
    const journal = createPgJournalStore(db, { owner: id, leaseMs });
    cleanups.push(() => journal.close());
    const runs = createRunManager({
      workspace: workspace.view,
      vault: vault.view,
      kinds: credentialKinds(connectors, registry),
      registry,
      journal,
      lab: lab?.view,
      onEvent: () => undefined,
      maxActiveRuns: concurrency,
    });
    cleanups.push(() => runs.close());

    // An event may name a revision published a moment ago: read the workspace back once before failing it.
    const publishView: Pick<PublishState, 'states' | 'publishedAt'> = {
      states: () => publish.states(),
      publishedAt: async (playbookId, revision) => (await publish.publishedAt(playbookId, revision)) ?? (await refresh(), publish.publishedAt(playbookId, revision)),
    };
    const stats = { started: 0, succeeded: 0, failed: 0 };
    const counted: Pick<RunManager, 'startTriggered' | 'freeSlots'> = {
      freeSlots: () => runs.freeSlots(),
      startTriggered: async (params) => {
        const started = await runs.startTriggered(params);
        stats.started++;
        void started.done.then((status) => (status === 'succeeded' ? stats.succeeded++ : stats.failed++));
        return started;
      },
    };
    const dispatcher: Dispatcher = createDispatcher({ inbox, runs: counted, journal, publish: publishView, log, roles: { queue: false, run: true } });
    cleanups.push(() => dispatcher.close());

    // Decisions made on the server for runs executing here; after the LISTEN connection came back, every
    // decision recorded for them is applied again (one for an approval already decided changes nothing).
    const applyDecision = (id: string): void => {
      void readDecision(db, id)
        .then((decision) => {
          if (decision === undefined || !runs.liveRunIds().includes(decision.runId)) return;
          runs.decide({ runId: decision.runId, nodeId: decision.nodeId, decision: decision.decision, ...(decision.comment ? { comment: decision.comment } : {}) }, decision.by);
        })
        .catch((err: unknown) => log(`worker: applying a decision failed: ${oneLineMessage(err)}`));
    };
    const decisionsOfLiveRuns = (): void => {
      const live = runs.liveRunIds();
      if (live.length === 0) return;
      void db
        .query<{ id: string }>('SELECT id FROM sb_decisions WHERE run_id = ANY($1) ORDER BY id', [live])
        .then((rows) => rows.forEach((row) => applyDecision(String(row.id))))
        .catch((err: unknown) => log(`worker: reading decisions failed: ${oneLineMessage(err)}`));
    };
    cleanups.push(await db.listen(DECISIONS_CHANNEL, applyDecision, { onReconnect: decisionsOfLiveRuns }));

    // The reaper: runs whose worker vanished go back on the queue, and queued events whose job pg-boss
    // gave up on get a new one (every worker runs one; SKIP LOCKED keeps them apart).
    let reaping = false;
    const reaper = setInterval(() => {
      if (reaping) return;
      reaping = true;
      requeueOrphans(db, queue, { graceMs: leaseMs })
        .then((n) => (n > 0 ? log(`worker: ${n} run(s) of vanished workers put back on the queue`) : undefined))
        .then(() => requeueStranded(db, queue, { graceMs: leaseMs }))
        .then((n) => (n > 0 ? log(`worker: ${n} queued event(s) without a job sent to the queue again`) : undefined))
        .catch((err: unknown) => log(`worker: reaper: ${oneLineMessage(err)}`))
        .finally(() => (reaping = false));
    }, Math.max(250, Math.floor(leaseMs / 3)));
    reaper.unref();
    cleanups.push(() => clearInterval(reaper));

    await dispatcher.start();

    let closing: Promise<{ finished: number; handedBack: number }> | undefined;
    return {
      id,
      runs,
      stats: () => ({ ...stats }),
      idle: () => dispatcher.idle(),
      close: (closeOptions = {}) =>
        (closing ??= (async () => {
          dispatcher.close();
          clearInterval(reaper);
          const live = runs.liveRunIds().length;
          const deadline = Date.now() + (closeOptions.graceMs ?? 30_000);
          while (runs.liveRunIds().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
          const left = runs.liveRunIds();
          if (left.length > 0) {
            await db.query('UPDATE sb_runs SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1', [id]);
            log(`worker: handed back ${left.length} run(s) still executing: ${left.join(', ')}`);
          }
          await dispatcher.settled().catch(() => undefined);
          await cleanup();
          return { finished: live - left.length, handedBack: left.length };
        })()),
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
