import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../engine/ports.ts';
import { holdsLock, lockText, ownIdentity, parseLock, processAlive, processStartTime } from '../journal/process-identity.ts';
import { createFileAtomic, syncDirectory, writeFileAtomic } from '../workspace/atomic-file.ts';
import { openNoFollowSync, readFileNoFollow, refuseLinks } from '../workspace/no-follow.ts';
import type { EventInbox, InboxEvent } from './contract.ts';
import { InboxUnavailableError } from './contract.ts';
import { applyRecord, emptyInboxState, inboxOverState, pruneDedupe } from './inbox-state.ts';
import type { InboxRecord, InboxState } from './inbox-state.ts';

/**
 * The embedded event inbox (DESIGN.md §10): an append-only JSON Lines log of InboxRecords at
 * `<workspace>/inbox/events.jsonl`, replayed into in-memory indexes at open. Writes of one
 * event-loop turn are group-committed (one write, one fdatasync), so `accept` resolves only once
 * its line is on disk. Schedule fires are files created exclusively under `inbox/fires/`, so two
 * processes sharing the workspace cannot both record the same fire. README "Triggers and the
 * event inbox" has the measured figures and why this beat PGlite.
 */

/** How the store writes: `os` fdatasyncs each batch (survives power loss); `process` only hands it to the OS. */
export interface InboxStoreOptions {
  durability?: 'os' | 'process';
  clock?: Pick<Clock, 'now'>;
  /** Rewrite the log at open when it holds more than this many records beyond the live events (default 50,000). */
  compactAfter?: number;
  /** Read the inbox as it is without taking it (the CLI beside a running host): every write is refused. */
  readOnly?: boolean;
}

/** The durable inbox plus what opening it found. */
export interface InboxStore extends EventInbox {
  readonly dir: string;
  /** Lines dropped at open: a torn last line (a crash mid-write) and unreadable lines. */
  readonly recovered: { torn: boolean; corrupt: number; compacted: boolean };
}

/** Why the inbox could not be opened: another live process owns it. */
export class InboxBusyError extends Error {
  readonly code = 'INBOX_BUSY';
}

/** The lines of a log read back: its records, whether the last line was torn, and the byte length of the good part. */
function decodeInboxLog(text: string): { records: InboxRecord[]; torn: boolean; corrupt: number; goodLength: number } {
  const records: InboxRecord[] = [];
  let corrupt = 0;
  const whole = text.lastIndexOf('\n') + 1;
  for (const line of text.slice(0, whole).split('\n')) {
    if (line === '') continue;
    try {
      records.push(JSON.parse(line) as InboxRecord);
    } catch {
      corrupt++;
    }
  }
  return { records, torn: whole < text.length, corrupt, goodLength: Buffer.byteLength(text.slice(0, whole)) };
}

/** The records that rebuild `state` as it is: one per event (current status) and per cursor. */
function snapshotRecords(state: InboxState, now: number): InboxRecord[] {
  const live = new Map<string, number>();
  for (const entry of state.dedupe.values()) if (entry.until > now) live.set(entry.eventId, entry.until);
  const records: InboxRecord[] = [];
  for (const id of state.order) {
    const until = live.get(id);
    records.push(until === undefined ? { t: 'event', event: state.events.get(id)! } : { t: 'event', event: state.events.get(id)!, dedupeUntil: until });
  }
  for (const [key, value] of state.cursors) records.push({ t: 'cursor', key, value });
  return records;
}

function encode(records: readonly InboxRecord[]): string {
  let text = '';
  for (const record of records) text += JSON.stringify(record) + '\n';
  return text;
}

function fireDir(root: string, playbookId: string, triggerNodeId: string): string {
  const hash = crypto.createHash('sha256').update(`${playbookId}\u0000${triggerNodeId}`).digest('hex').slice(0, 32);
  return path.join(root, 'inbox', 'fires', hash);
}

/**
 * Records a schedule fire as the file `inbox/fires/<hash of playbook and trigger>/<fireAt>`,
 * created exclusively (temp file, then a link that fails on an existing name): of any number of
 * processes racing on one workspace, exactly one gets true. Needs no inbox lock.
 */
export async function recordFireFile(root: string, playbookId: string, triggerNodeId: string, fireAt: number): Promise<boolean> {
  if (!Number.isInteger(fireAt) || fireAt < 0) throw new InboxUnavailableError(`INBOX_UNAVAILABLE: fireAt ${fireAt} is not epoch milliseconds`);
  const folder = fireDir(root, playbookId, triggerNodeId);
  try {
    await refuseLinks(root, folder);
    await fs.promises.mkdir(folder, { recursive: true });
    return await createFileAtomic(path.join(folder, String(fireAt)), `${playbookId}\n${triggerNodeId}\n`);
  } catch (err) {
    throw new InboxUnavailableError(`INBOX_UNAVAILABLE: recording a fire in ${folder} failed (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** The latest fire recorded for a trigger by any process, or undefined. */
async function lastFireFile(root: string, playbookId: string, triggerNodeId: string): Promise<number | undefined> {
  const names = await fs.promises.readdir(fireDir(root, playbookId, triggerNodeId)).catch(() => [] as string[]);
  let last: number | undefined;
  for (const name of names) if (/^\d+$/.test(name)) last = Math.max(last ?? 0, Number(name));
  return last;
}

/** Takes `<dir>/inbox.lock` for this process, or throws InboxBusyError when a live process holds it. */
async function takeLock(root: string, dir: string): Promise<string> {
  const file = path.join(dir, 'inbox.lock');
  const mine = lockText(ownIdentity());
  if (await createFileAtomic(file, mine)) return file;
  const held = parseLock(await readFileNoFollow(root, file, 'utf8').catch(() => ''));
  if (held !== undefined && held.pid !== process.pid && holdsLock(held, processAlive(held.pid), await processStartTime(held.pid))) {
    throw new InboxBusyError(`INBOX_BUSY: the event inbox in ${dir} is in use by process ${held.pid}`);
  }
  await writeFileAtomic(file, mine);
  return file;
}

/** Opens (creating when missing) the inbox of the workspace at `root`, under `<root>/inbox/`. */
export async function openInboxStore(root: string, options: InboxStoreOptions = {}): Promise<InboxStore> {
  const now = () => options.clock?.now() ?? Date.now();
  const durability = options.durability ?? 'os';
  const dir = path.join(root, 'inbox');
  const logFile = path.join(dir, 'events.jsonl');
  const firesDir = path.join(dir, 'fires');
  const readOnly = options.readOnly === true;
  await refuseLinks(root, firesDir);
  if (!readOnly) await fs.promises.mkdir(firesDir, { recursive: true });
  const lockFile = readOnly ? undefined : await takeLock(root, dir);

  // 1. Replay the log into the indexes, dropping a torn last line.
  const text = await readFileNoFollow(root, logFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  const decoded = decodeInboxLog(text);
  const state = emptyInboxState();
  for (const record of decoded.records) applyRecord(state, record);
  pruneDedupe(state, now());

  // 2. Compact when the log is mostly superseded status lines; else cut a torn tail.
  const compactAfter = options.compactAfter ?? 50_000;
  const compacted = !readOnly && decoded.records.length > state.order.length + state.cursors.size + compactAfter;
  if (compacted) await writeFileAtomic(logFile, encode(snapshotRecords(state, now())), 0o600);
  else if (decoded.torn && !readOnly) await fs.promises.truncate(logFile, decoded.goodLength);
  const fd = readOnly ? -1 : openNoFollowSync(root, logFile, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_APPEND, 0o600);
  if (!readOnly) await syncDirectory(dir);

  const listeners = new Set<(event: InboxEvent) => void>();
  let pending: { records: InboxRecord[]; done: Array<{ resolve: () => void; reject: (err: unknown) => void }> } | undefined;
  let writing = false;
  let failure: Error | undefined;
  let closed = false;
  let idle: Promise<void> = Promise.resolve();
  let markIdle: () => void = () => undefined;

  const unavailable = (why: string) => new InboxUnavailableError(`INBOX_UNAVAILABLE: ${why}`);

  // 3. The one I/O loop: each batch is one write and one fdatasync; the next batch waits for it.
  const flush = (): void => {
    if (writing || pending === undefined) return;
    const batch = pending;
    pending = undefined;
    writing = true;
    const data = Buffer.from(encode(batch.records), 'utf8');
    const finish = (err: NodeJS.ErrnoException | null): void => {
      writing = false;
      if (err !== null) {
        failure = unavailable(`writing ${logFile} failed (${err.code ?? err.message})`);
        for (const d of batch.done) d.reject(failure);
        if (pending) for (const d of pending.done) d.reject(failure);
        pending = undefined;
      } else {
        const changed = new Map<string, InboxEvent>();
        for (const record of batch.records) {
          const id = record.t === 'cursor' ? undefined : record.t === 'event' ? record.event.id : record.id;
          if (id !== undefined) changed.set(id, state.events.get(id)!);
        }
        for (const d of batch.done) d.resolve();
        for (const event of changed.values()) for (const listener of listeners) listener(event);
      }
      if (pending) flush();
      else markIdle();
    };
    const write = (offset: number): void => {
      fs.write(fd, data, offset, data.length - offset, null, (err, written) => {
        if (err !== null) return finish(err);
        if (offset + written < data.length) return write(offset + written);
        if (durability === 'os') fs.fdatasync(fd, finish);
        else finish(null);
      });
    };
    write(0);
  };

  /** Applies `records` to the indexes now (so later decisions see them) and resolves once they are durable. */
  const commit = (records: InboxRecord[]): Promise<void> => {
    if (closed) return Promise.reject(unavailable('the inbox is closed'));
    if (readOnly) return Promise.reject(unavailable('the inbox was opened read-only'));
    if (failure) return Promise.reject(failure);
    for (const record of records) applyRecord(state, record);
    return new Promise<void>((resolve, reject) => {
      if (pending === undefined) {
        pending = { records: [], done: [] };
        if (!writing) {
          idle = new Promise<void>((r) => (markIdle = r));
          setImmediate(flush);
        }
      }
      pending.records.push(...records);
      pending.done.push({ resolve, reject });
    });
  };

  return {
    dir,
    recovered: { torn: decoded.torn, corrupt: decoded.corrupt, compacted },
    ...inboxOverState(state, commit, now, listeners, () => {
      if (failure) throw failure;
    }),
    recordFire: (playbookId, triggerNodeId, fireAt) => recordFireFile(root, playbookId, triggerNodeId, fireAt),
    lastFire: (playbookId, triggerNodeId) => lastFireFile(root, playbookId, triggerNodeId),
    async close() {
      if (closed) return;
      closed = true;
      await idle;
      listeners.clear();
      if (lockFile === undefined) return;
      await new Promise<void>((resolve) => fs.close(fd, () => resolve()));
      await fs.promises.rm(lockFile, { force: true });
    },
  };
}
