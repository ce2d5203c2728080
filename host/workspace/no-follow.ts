import fs from 'node:fs';
import path from 'node:path';

/**
 * `O_NOFOLLOW` where the platform has it (Linux, macOS, the BSDs): opening a link then fails
 * instead of opening what it points at. Windows has none; there the last component is lstat'ed first.
 */
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/** Open flags for `openNoFollow` (which adds O_NOFOLLOW): read; create a new file (`wx`); create or truncate (`w`). */
export const OPEN_READ = fs.constants.O_RDONLY;
export const OPEN_CREATE = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL;
export const OPEN_WRITE = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC;

/** A workspace path that is, or passes through, a symbolic link: refused, never followed. */
export class LinkRefusedError extends Error {
  readonly code = 'LINK_REFUSED';

  constructor(readonly file: string) {
    super(`${file} is a symbolic link; Switchboard never follows links inside its workspace (replace it with the file itself)`);
    this.name = 'LinkRefusedError';
  }
}

/**
 * The paths from `root` (exclusive) down to `file` (inclusive), each one component longer: the
 * ones that must not be links (none when `file` is `root`). Throws when `file` is outside `root`.
 */
export function pathsBelow(root: string, file: string): string[] {
  const base = path.resolve(root);
  const relative = path.relative(base, path.resolve(file));
  if (relative === '') return [];
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) throw new Error(`${file} is not inside ${base}`);
  const out: string[] = [];
  let at = base;
  for (const part of relative.split(path.sep)) {
    at = path.join(at, part);
    out.push(at);
  }
  return out;
}

/**
 * Refuses when any component of `file` below `root`, `file` included, is a symbolic link (Windows
 * junctions included). A missing component ends the check: nothing further down exists to follow.
 */
export async function refuseLinks(root: string, file: string): Promise<void> {
  for (const at of pathsBelow(root, file)) {
    const stat = await fs.promises.lstat(at).catch(missingIsUndefined);
    if (stat === undefined) return;
    if (stat.isSymbolicLink()) throw new LinkRefusedError(at);
  }
}

/** `refuseLinks`, synchronously, for the journal's synchronous open. */
function refuseLinksSync(root: string, file: string): void {
  for (const at of pathsBelow(root, file)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.lstatSync(at);
    } catch (err) {
      stat = missingIsUndefined(err);
    }
    if (stat === undefined) return;
    if (stat.isSymbolicLink()) throw new LinkRefusedError(at);
  }
}

/**
 * Opens `file`, inside `root`, with numeric `flags`, never through a link: its folders below
 * `root` are checked first, and the file itself is opened with O_NOFOLLOW (lstat'ed on Windows).
 */
export async function openNoFollow(root: string, file: string, flags: number, mode?: number): Promise<fs.promises.FileHandle> {
  await refuseLinks(root, NOFOLLOW === 0 ? file : path.dirname(file));
  try {
    return await fs.promises.open(file, flags | NOFOLLOW, mode);
  } catch (err) {
    throw asLinkRefusal(err, file);
  }
}

/** `openNoFollow`, synchronously, returning a file descriptor. */
export function openNoFollowSync(root: string, file: string, flags: number, mode?: number): number {
  refuseLinksSync(root, NOFOLLOW === 0 ? file : path.dirname(file));
  try {
    return fs.openSync(file, flags | NOFOLLOW, mode);
  } catch (err) {
    throw asLinkRefusal(err, file);
  }
}

/** Reads a whole file inside `root` without following a link to it or to any folder on the way. */
export async function readFileNoFollow(root: string, file: string): Promise<Buffer>;
export async function readFileNoFollow(root: string, file: string, encoding: 'utf8'): Promise<string>;
export async function readFileNoFollow(root: string, file: string, encoding?: 'utf8'): Promise<Buffer | string> {
  const handle = await openNoFollow(root, file, OPEN_READ);
  try {
    return encoding === undefined ? await handle.readFile() : await handle.readFile(encoding);
  } finally {
    await handle.close();
  }
}

/**
 * A workspace JSON file that must hold an object, read without following links: `{}` when it does
 * not exist yet, a one-line error naming the file when it is not JSON or not an object.
 */
export async function readJsonObjectNoFollow(root: string, file: string, shape: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFileNoFollow(root, file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`${file}: not valid JSON`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`${file}: must be ${shape}`);
  return data as Record<string, unknown>;
}

/** The stats of `file` inside `root` (not of a link's target): a link there, or on the way, is refused. */
export async function lstatNoFollow(root: string, file: string): Promise<fs.Stats> {
  await refuseLinks(root, path.dirname(file));
  const stat = await fs.promises.lstat(file);
  if (stat.isSymbolicLink()) throw new LinkRefusedError(file);
  return stat;
}

/** An open that failed because O_NOFOLLOW met a link (ELOOP; EMLINK on FreeBSD) becomes the refusal naming it. */
function asLinkRefusal(err: unknown, file: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  return NOFOLLOW !== 0 && (code === 'ELOOP' || code === 'EMLINK') ? new LinkRefusedError(file) : err;
}

/** A component that is not there (or sits under a plain file) leaves nothing below it to follow. */
function missingIsUndefined(err: unknown): undefined {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
  throw err;
}
