import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Suffix of the temporary files an atomic write leaves behind only when the process dies mid-write. */
export const TEMP_SUFFIX = '.tmp';

/** The temporary file an atomic write of `file` goes through: hidden, in the same folder, unique. */
export function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
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
