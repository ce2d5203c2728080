import fs from 'node:fs';
import path from 'node:path';
import { decodeJournal, encodeEvents } from '../../engine/journal/journal-format.ts';
import { createScrubber } from '../../engine/journal/redact.ts';
import { recoverRun, summarizeRun } from '../../engine/journal/recovery.ts';
import type { RunSummary } from '../../engine/journal/recovery.ts';
import { replayRun } from '../../engine/run/reducer.ts';
import type { RunEvent } from '../../engine/run/events.ts';
import type { RunState } from '../../engine/run/types.ts';
import type { JournalPort } from '../../engine/ports.ts';
import { syncDirectory } from '../workspace/atomic-file.ts';
import { lstatNoFollow, OPEN_CREATE, OPEN_WRITE, openNoFollow, openNoFollowSync, readFileNoFollow, refuseLinks } from '../workspace/no-follow.ts';
import { holdsLock, lockText, ownIdentity, parseLock, processAlive, processStartTime } from './process-identity.ts';

/**
 * How far a batch has got when `append` resolves. `process`: handed to the OS (one `write`), so
 * it survives the process being killed or crashing, and the file is fdatasync'ed when the run
 * closes; `os`: also fdatasync'ed per batch, surviving power loss at the cost of a disk flush each.
 */
export type Durability = 'process' | 'os';

/** How a store writes: its durability level and whether field-name redaction is on. */
export interface JournalStoreOptions {
  /** Default `process`: a 1,000-node run cannot afford a disk flush per batch. */
  durability?: Durability;
  /** Blank sensitive fields (`password`, `token`, …) before writing. Default true. */
  redactKeys?: boolean;
}

/** Per-run settings of `open`. */
export interface OpenOptions {
  /** Secret values to redact before writing, as a second net behind the executor's redaction. */
  secrets?: readonly string[];
}

/** A run's journal open for appending: the engine's JournalPort plus `close`. */
export interface RunJournal extends JournalPort {
  readonly runId: string;
  append(events: readonly RunEvent[]): Promise<void>;
  /** Waits for pending appends, makes them durable and releases the run. Idempotent. */
  close(): Promise<void>;
}

/** A run's journal file: a RunJournal that also says where its file is (tests and tools read it). */
export interface FileRunJournal extends RunJournal {
  readonly path: string;
}

/** A run read back from its journal, with its state rebuilt by the reducer. */
export interface StoredRun {
  runId: string;
  events: RunEvent[];
  /** Undefined when the journal holds no `run.started`. Interrupted runs are marked so. */
  state: RunState | undefined;
  torn: boolean;
  corrupt: number;
  /** A process is still writing this run. */
  live: boolean;
}

/**
 * The run journals: the writer side for the executor, the reader side for history and resume.
 * Two stores implement it: files in the workspace (desktop) and PostgreSQL (team mode, §11).
 */
export interface JournalStore {
  /** Creates the run's journal and takes the run; refuses ids that are not safe file names (INVALID_RUN_ID) and existing runs (RUN_EXISTS). */
  open(runId: string, options?: OpenOptions): Promise<RunJournal>;
  /** Summaries of every readable run, newest first. */
  listRuns(): Promise<RunSummary[]>;
  /** Ids of every run with a journal, in no particular order. */
  runIds(): Promise<string[]>;
  /** A token that changes whenever the run's journal grows, for caches of what is derived from it; undefined when there is no such run. */
  stamp(runId: string): Promise<string | undefined>;
  readRun(runId: string): Promise<StoredRun>;
  /** Keeps what a later `resume` needs beside the journal (the playbook, its source path, …). */
  saveRunInfo(runId: string, info: unknown): Promise<void>;
  readRunInfo(runId: string): Promise<unknown>;
}

/** The journal store on disk: its journals are files, and it says where each one is. */
export interface FileJournalStore extends JournalStore {
  open(runId: string, options?: OpenOptions): Promise<FileRunJournal>;
  /** Where a run's journal file is (or would be); refuses ids that are not safe file names. */
  journalPath(runId: string): string;
}

/**
 * Why the store refused: bad or taken run id, unknown run, a write after close, or (team mode) a
 * write after another worker may have taken the run over.
 */
export type JournalStoreErrorCode = 'INVALID_RUN_ID' | 'RUN_EXISTS' | 'RUN_NOT_FOUND' | 'JOURNAL_CLOSED' | 'LEASE_LOST';

/** A refusal of the journal store, with a code callers can branch on. */
export class JournalStoreError extends Error {
  readonly code: JournalStoreErrorCode;

  constructor(code: JournalStoreErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'JournalStoreError';
    this.code = code;
  }
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Whether a run id can be a file name as it is: no separators, no dots, no traversal. */
export function isSafeRunId(runId: string): boolean {
  return RUN_ID.test(runId);
}

/** Throws INVALID_RUN_ID unless `runId` is safe as a file name; every store refuses the same ids. */
export function checkRunId(runId: string): void {
  if (!isSafeRunId(runId)) {
    throw new JournalStoreError('INVALID_RUN_ID', `run id ${JSON.stringify(runId.slice(0, 140))} must be letters, digits, - and _`);
  }
}

/** Journals this process has open, so its own live runs are never taken for interrupted ones. */
const openHere = new Set<string>();

/**
 * The run journal on disk: one JSON Lines file per run under `<dir>/runs/`, plus a `.lock` file
 * naming the writer (pid and process start time) while it runs, so readers tell a live run from a
 * killed one even after its pid is reused. No file or folder under `dir` is read through a link.
 */
export function createJournalStore(dir: string, options: JournalStoreOptions = {}): FileJournalStore {
  const runsDir = path.join(dir, 'runs');
  const durability = options.durability ?? 'process';
  const blankKeys = options.redactKeys ?? true;
  const file = (runId: string, ext: string) => {
    checkRunId(runId);
    return path.join(runsDir, `${runId}${ext}`);
  };

  const pathOf = (runId: string): string => file(runId, '.jsonl');
  /** The runs folder is made by the first run this store opens, not checked again for every run. */
  let runsDirMade = false;

  const open = async (runId: string, openOptions: OpenOptions = {}): Promise<FileRunJournal> => {
    const journalPath = pathOf(runId);
    if (!runsDirMade) {
      fs.mkdirSync(runsDir, { recursive: true });
      runsDirMade = true;
    }
    let fd: number;
    try {
      fd = openNoFollowSync(dir, journalPath, OPEN_CREATE, 0o666);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new JournalStoreError('RUN_EXISTS', `run ${runId} already has a journal`);
      throw err;
    }
    try {
      const lock = openNoFollowSync(dir, file(runId, '.lock'), OPEN_WRITE, 0o666);
      try {
        fs.writeFileSync(lock, lockText(ownIdentity()));
      } finally {
        fs.closeSync(lock);
      }
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    openHere.add(journalPath);
    const encode = createEncoder(openOptions.secrets ?? [], blankKeys);
    return openJournal(runId, journalPath, fd, durability, encode, async () => {
      openHere.delete(journalPath);
      await fs.promises.rm(file(runId, '.lock'), { force: true });
    });
  };

  const readRun = async (runId: string): Promise<StoredRun> => {
    const journalPath = pathOf(runId);
    let text: string;
    try {
      text = await readFileNoFollow(dir, journalPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new JournalStoreError('RUN_NOT_FOUND', `no run ${runId} in ${runsDir}`);
      throw err;
    }
    return storedRun(runId, text, await writerAlive(dir, journalPath, file(runId, '.lock')));
  };

  const runIds = async (): Promise<string[]> => {
    let names: string[];
    try {
      await refuseLinks(dir, runsDir);
      names = await fs.promises.readdir(runsDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names.filter((n) => n.endsWith('.jsonl')).map((n) => n.slice(0, -'.jsonl'.length)).filter(isSafeRunId);
  };

  const stamp = async (runId: string): Promise<string | undefined> => {
    try {
      const stat = await lstatNoFollow(dir, pathOf(runId));
      return `${stat.size}:${stat.mtimeMs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  };

  const listRuns = async (): Promise<RunSummary[]> => summariesOf(await Promise.all((await runIds()).map((id) => readRun(id).catch(() => undefined))));

  const saveRunInfo = async (runId: string, info: unknown): Promise<void> => {
    await fs.promises.mkdir(runsDir, { recursive: true });
    const handle = await openNoFollow(dir, file(runId, '.run.json'), OPEN_WRITE, 0o666);
    try {
      await handle.writeFile(JSON.stringify(info, null, 2) + '\n');
    } finally {
      await handle.close();
    }
  };

  const readRunInfo = async (runId: string): Promise<unknown> => {
    try {
      return JSON.parse(await readFileNoFollow(dir, file(runId, '.run.json'), 'utf8')) as unknown;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new JournalStoreError('RUN_NOT_FOUND', `no saved details for run ${runId}`);
      throw err;
    }
  };

  return { open, listRuns, runIds, stamp, journalPath: pathOf, readRun, saveRunInfo, readRunInfo };
}

/** A run as read from its journal text (JSON Lines): decoded, replayed and, without a live writer, recovered. Both stores build runs so. */
export function storedRun(runId: string, text: string, live: boolean): StoredRun {
  const { events, torn, corrupt } = decodeJournal(text);
  const replayed = replayRun(events);
  const state = replayed === undefined ? undefined : recoverRun(replayed, live);
  return { runId, events, state, torn, corrupt, live };
}

/** The summaries of the runs read (unreadable ones and runs without `run.started` left out), newest first. */
export function summariesOf(runs: ReadonlyArray<StoredRun | undefined>): RunSummary[] {
  const summaries: RunSummary[] = [];
  for (const run of runs) if (run?.state !== undefined) summaries.push(summarizeRun(run.state, run.events.at(-1)?.at));
  return summaries.sort(byNewest);
}

/** Newest first; run ids break ties, as they sort by start time too. */
export function byNewest(a: { startedAt: number; runId: string }, b: { startedAt: number; runId: string }): number {
  return b.startedAt - a.startedAt || (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0);
}

/**
 * Encodes a batch as JSON Lines with its secrets and sensitive fields redacted. The common case
 * costs one JSON.stringify per event plus two regex scans of the text; only batches the scans
 * flag are walked, redacted and encoded again.
 */
export function createEncoder(secrets: readonly string[], blankKeys: boolean): (events: readonly RunEvent[]) => string {
  const scrub = createScrubber(secrets, blankKeys);
  return (events) => {
    const text = encodeEvents(events);
    const scrubbed = scrub(events, text);
    return scrubbed === events ? text : encodeEvents(scrubbed);
  };
}

/**
 * The append side. Each batch is encoded at once and written with ONE `write` of all its lines.
 * `process` durability writes synchronously: the executor already batches a whole event-loop turn
 * (at most one write per 10 ms), and a run that finishes then waits for no thread-pool round trip
 * (measured: a 1,000-node chain at 2.8–3.1 µs/node this way, 4.3–5.1 with async writes).
 * `os` durability writes and fdatasyncs off the main thread; appends made meanwhile are merged
 * into the next write, in order.
 */
function openJournal(
  runId: string,
  journalPath: string,
  fd: number,
  durability: Durability,
  encode: (events: readonly RunEvent[]) => string,
  release: () => Promise<void>,
): FileRunJournal {
  let queue: PendingWrite[] = [];
  let writing = false;
  let failure: unknown;
  let last: Promise<void> = WRITTEN;
  let closing: Promise<void> | undefined;

  const pump = (): void => {
    const batch = queue;
    queue = [];
    writing = true;
    const data = batch.length === 1 ? (batch[0] as PendingWrite).data : Buffer.concat(batch.map((p) => p.data));
    writeAllDurably(fd, data, (err) => {
      writing = false;
      if (err !== null) {
        failure = err;
        for (const pending of [...batch, ...queue]) pending.reject(err);
        queue = [];
        return;
      }
      for (const pending of batch) pending.resolve();
      if (queue.length > 0) pump();
    });
  };

  const append = (events: readonly RunEvent[]): Promise<void> => {
    if (closing !== undefined) return Promise.reject(new JournalStoreError('JOURNAL_CLOSED', `journal of run ${runId} is closed`));
    if (failure !== undefined) return Promise.reject(failure);
    if (events.length === 0) return last;
    let data: Buffer;
    try {
      data = Buffer.from(encode(events), 'utf8');
    } catch (err) {
      return Promise.reject(err);
    }
    if (durability === 'process') {
      try {
        writeAllSync(fd, data);
      } catch (err) {
        failure = err;
        return Promise.reject(err);
      }
      return WRITTEN;
    }
    const written = new Promise<void>((resolve, reject) => {
      queue.push({ data, resolve, reject });
      if (!writing) pump();
    });
    last = written.catch(() => undefined);
    return written;
  };

  const close = (): Promise<void> => {
    closing ??= (async () => {
      await last;
      try {
        if (failure === undefined) await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
      } finally {
        await new Promise<void>((resolve) => fs.close(fd, () => resolve()));
        await release();
        await syncDirectory(path.dirname(journalPath));
      }
    })();
    return closing;
  };

  return { runId, path: journalPath, append, close };
}

/** What a synchronous append returns: one settled promise, shared. */
const WRITTEN: Promise<void> = Promise.resolve();

/** Writes all of `data` at the end of the file, looping on short writes. */
function writeAllSync(fd: number, data: Buffer): void {
  for (let offset = 0; offset < data.length; ) offset += fs.writeSync(fd, data, offset, data.length - offset, null);
}

interface PendingWrite {
  data: Buffer;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Writes all of `data` at the end of the file (looping on short writes), then fdatasyncs. */
function writeAllDurably(fd: number, data: Buffer, done: (err: NodeJS.ErrnoException | null) => void): void {
  const step = (offset: number): void => {
    fs.write(fd, data, offset, data.length - offset, null, (err, written) => {
      if (err !== null) return done(err);
      if (offset + written < data.length) return step(offset + written);
      fs.fdatasync(fd, done);
    });
  };
  step(0);
}

/**
 * A run's writer is alive when this process holds it, or its lock names a process that is running
 * and is the same one (its start time matches). A lock whose process is gone, or whose pid now
 * belongs to another process, is stale: it is removed, and the run reads as interrupted.
 */
async function writerAlive(dir: string, journalPath: string, lockPath: string): Promise<boolean> {
  if (openHere.has(journalPath)) return true;
  const lock = parseLock(await readFileNoFollow(dir, lockPath, 'utf8').catch(() => ''));
  if (lock === undefined) return false;
  if (lock.pid !== process.pid) {
    const alive = processAlive(lock.pid);
    if (holdsLock(lock, alive, alive ? await processStartTime(lock.pid) : undefined)) return true;
  }
  await fs.promises.rm(lockPath, { force: true }).catch(() => undefined);
  return false;
}
