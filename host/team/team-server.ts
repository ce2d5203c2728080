import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunEvent } from '../../engine/run/events.ts';
import type { Lab } from '../lab/lab.ts';
import { labInfoOf } from '../cli/lab-info.ts';
import type { JournalStore } from '../journal/journal-store.ts';
import type { TeamContext } from '../protocol/host-context.ts';
import { oneLineMessage } from '../protocol/host-error.ts';
import type { RunManager } from '../runs/run-manager.ts';
import type { EventInbox } from '../triggers/contract.ts';
import { writeFileInside } from '../workspace/atomic-file.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrate } from './db/migrations.ts';
import { recordDecision } from './decisions.ts';
import { followJournals } from './journal-feed.ts';
import { createAuditTrail } from './people/audit.ts';
import { createPeople } from './people/sessions.ts';
import { createPgJournalStore } from './pg-journal.ts';
import { openPgInbox } from './pg-inbox.ts';
import { openRunQueue } from './run-queue.ts';
import { createWorkspaceMirror } from './workspace-mirror.ts';

/** How often the server writes its workspace folder through to the database besides after each change it makes itself. */
const PUSH_EVERY_MS = 1_000;

/**
 * The team server's side of PostgreSQL (DESIGN.md §11): the inbox and run queue, the journals,
 * people and the audit trail, and the workspace written through for the workers. The host is the
 * desktop's, with these stores in place of the embedded ones; runs of events execute on workers.
 */
export interface TeamServer {
  readonly db: Database;
  readonly inbox: EventInbox;
  readonly journal: JournalStore;
  readonly context: TeamContext;
  /** Writes the workspace through now (after a publish, enable or disable, before answering). */
  push(): Promise<void>;
  /** Starts writing through and streaming the journals of runs executing elsewhere to `emit`. */
  start(deps: { runs: RunManager; emit: (event: RunEvent) => void; watched: () => boolean; lab: Lab | undefined }): Promise<void>;
  /** Decides an approval of a run executing on a worker: recorded and announced when the run waits for it there. */
  decideElsewhere(params: { runId: string; nodeId: string; decision: 'approved' | 'rejected'; comment?: string }, by: string): Promise<{ ok: boolean }>;
  close(): Promise<void>;
}

/**
 * Connects the team server to its database, migrating it, and restores the workspace folder from
 * it when it holds one (the database is the copy that counts: a server on a new machine starts
 * from it). Call before the workspace is opened.
 */
export async function openTeamServer(url: string, dir: string, log: (line: string) => void): Promise<TeamServer> {
  const db = await openDatabase(url, { max: 10, applicationName: 'switchboard-server' });
  const closers: Array<() => Promise<unknown> | unknown> = [() => db.close()];
  const close = async () => {
    for (const step of closers.splice(0).reverse()) await Promise.resolve(step()).catch(() => undefined);
  };
  try {
    await migrate(db);
    const mirror = createWorkspaceMirror(db, dir);
    if (!(await mirror.isEmpty())) {
      await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
      await mirror.pull();
    }
    const queue = await openRunQueue(url);
    closers.push(() => queue.close());
    const inbox = await openPgInbox(db, queue);
    closers.push(() => inbox.close());
    const owner = `server:${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
    const journal = createPgJournalStore(db, { owner });
    closers.push(() => journal.close());

    let pushing: Promise<void> = Promise.resolve();
    const push = (): Promise<void> =>
      (pushing = pushing.then(() => mirror.push()).then(
        () => undefined,
        (err: unknown) => log(`team server: writing the workspace to ${db.where} failed: ${oneLineMessage(err)}`),
      ));

    return {
      db,
      inbox,
      journal,
      context: { people: createPeople(db), audit: createAuditTrail(db) },
      push,
      async start({ runs, emit, watched, lab }) {
        // Workers on this machine reach the lab's twins through the printout (never its control token).
        const labFile = path.join(dir, 'lab.json');
        if (lab === undefined) await fs.promises.rm(labFile, { force: true });
        else {
          const { controlToken: _withheld, ...printout } = labInfoOf(lab);
          await writeFileInside(dir, labFile, `${JSON.stringify(printout, null, 2)}\n`, 0o600);
        }
        await push();
        const timer = setInterval(() => void push(), PUSH_EVERY_MS);
        timer.unref();
        closers.push(async () => {
          clearInterval(timer);
          await push();
        });
        // Journals are read back only while an editor is connected: a drain with nobody watching costs the server nothing.
        const feed = await followJournals(db, (_runId, events) => events.forEach(emit), { skip: (runId) => !watched() || runs.liveRunIds().includes(runId) });
        closers.push(() => feed.close());
      },
      async decideElsewhere(params, by) {
        const stored = await journal.readRun(params.runId).catch(() => undefined);
        const approval = stored?.state?.approvals[params.nodeId];
        if (stored === undefined || !stored.live || approval === undefined || approval.decision !== undefined) return { ok: false };
        await recordDecision(db, { runId: params.runId, nodeId: params.nodeId, decision: params.decision, by, ...(params.comment !== undefined ? { comment: params.comment } : {}) });
        return { ok: true };
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
