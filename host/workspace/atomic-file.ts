import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { processAlive } from '../journal/process-identity.ts';
import { refuseLinks } from './no-follow.ts';

/** Suffix of the temporary files an atomic write leaves behind only when the process dies mid-write. */
export const TEMP_SUFFIX = '.tmp';

/** The temporary file an atomic write of `file` goes through: hidden, in the same folder, unique. */
export function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
}

/** A temp file older than this was left by a write that will never finish, whoever holds its pid now. */
export const STALE_TEMP_MS = 10 * 60_000;

/** The pid named by an atomic write's temp file name (`.<file>.<pid>.<8 hex>.tmp`); undefined for any other name. */
export function tempFileOwner(name: string): number | undefined {
  const match = /^\..+\.([1-9][0-9]{0,9})\.[0-9a-f]{8}\.tmp$/.exec(name);
  return match === null ? undefined : Number(match[1]);
}

/**
 * Whether a temp file of ours can be removed: its writer is gone, or it is older than any write
 * takes (the pid was reused). A live writer's fresh temp is kept: another process may be saving.
 */
export function isStaleTemp(owner: number, ageMs: number, alive: (pid: number) => boolean): boolean {
  return ageMs > STALE_TEMP_MS || (owner !== process.pid && !alive(owner));
}

/**
 * Removes the temp files killed writes left in `folders` (each inside `root`, read without
 * following links): only regular files named as `tempPathFor` names them, only stale ones.
 * Best effort, never throws: a file it cannot remove stays. Returns the paths removed.
 */
export async function removeStaleTempFiles(root: string, folders: readonly string[], now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const folder of folders) {
    const names = await refuseLinks(root, folder).then(() => fs.promises.readdir(folder)).catch(() => [] as string[]);
    for (const name of names) {
      const owner = tempFileOwner(name);
      if (owner === undefined) continue;
      const file = path.join(folder, name);
      const stat = await fs.promises.lstat(file).catch(() => undefined);
      if (stat?.isFile() !== true || !isStaleTemp(owner, now - stat.mtimeMs, processAlive)) continue;
      if (await fs.promises.rm(file).then(() => true, () => false)) removed.push(file);
    }
  }
  return removed;
}

/** `writeFileAtomic` of a file inside `root`, refused when the file or a folder on the way is a link. */
export async function writeFileInside(root: string, file: string, data: string | Uint8Array, mode?: number): Promise<void> {
  await refuseLinks(root, file);
  await writeFileAtomic(file, data, mode);
}

/**
 * Replaces `file` with `data` so that a crash at any moment leaves either the old or the new file,
 * never a torn one: write a temp file in the same folder, fsync it, rename it over, fsync the folder.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const temp = tempPathFor(file);
  await writeSynced(temp, data, mode, 'wx');
  try {
    await fs.promises.rename(temp, file);
  } catch (err) {
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(path.dirname(file));
}

/**
 * Creates `file` with `data` unless it already exists, atomically (temp file, then a hard link that
 * fails on an existing name): two processes racing never overwrite each other's file. Returns
 * whether this call created it.
 */
export async function createFileAtomic(file: string, data: string | Uint8Array, mode = 0o644): Promise<boolean> {
  const temp = tempPathFor(file);
  await writeSynced(temp, data, mode, 'wx');
  try {
    await fs.promises.link(temp, file);
    await syncDirectory(path.dirname(file));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await fs.promises.rm(temp, { force: true });
  }
}

/** Removes a file and makes the removal durable; a missing file is not an error. */
export async function removeFileDurably(file: string): Promise<void> {
  await fs.promises.rm(file, { force: true });
  await syncDirectory(path.dirname(file));
}

/** Writes and fsyncs a file (opened with `flag`); its mode is set at creation. */
async function writeSynced(file: string, data: string | Uint8Array, mode: number, flag: string): Promise<void> {
  const handle = await fs.promises.open(file, flag, mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes renames and removals in `dir` durable; best effort where folders cannot be opened (Windows). */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    return;
  } finally {
    await handle?.close();
  }
}

/**
 * Runs tasks one at a time in call order: a workspace's read-modify-write steps (check the
 * revision, then write) must not interleave.
 */
export function createSerialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
