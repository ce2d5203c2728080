import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * A process told apart from any later one that reuses its pid: the pid plus the kernel's start
 * time of the process (Linux: clock ticks after boot, /proc/<pid>/stat field 22; macOS and the
 * BSDs: `ps -o lstart=`). `start` is undefined where neither is available (Windows).
 */
export interface ProcessIdentity {
  pid: number;
  start?: string;
}

/** Whether a process with this pid exists (EPERM: it does, under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The start time in a /proc/<pid>/stat line: field 22, counted after the `(comm)` field, which may hold spaces and parentheses. */
export function startTimeOfProcStat(text: string): string | undefined {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const start = fields[19];
  return start !== undefined && /^[0-9]+$/.test(start) ? start : undefined;
}

/** `ps` arguments that print a process's start time on macOS and the BSDs, in a fixed locale. */
const PS_ARGS = (pid: number) => ['-o', 'lstart=', '-p', String(pid)];
const PS_OPTIONS = { env: { ...process.env, LC_ALL: 'C' }, timeout: 2_000 };

/** The start time of a running process, or undefined when it is gone or the platform cannot say. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  if (process.platform === 'linux') {
    const text = await fs.promises.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    return text === undefined ? undefined : startTimeOfProcStat(text);
  }
  if (process.platform === 'win32') return undefined;
  return new Promise((resolve) => {
    execFile('ps', PS_ARGS(pid), PS_OPTIONS, (err, stdout) => resolve(err === null ? stdout.trim() || undefined : undefined));
  });
}

/** This process's start time, synchronously (the journal's open is synchronous). */
function ownStartTime(): string | undefined {
  try {
    if (process.platform === 'linux') return startTimeOfProcStat(fs.readFileSync(`/proc/${process.pid}/stat`, 'utf8'));
    if (process.platform === 'win32') return undefined;
    return execFileSync('ps', PS_ARGS(process.pid), { ...PS_OPTIONS, encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

let own: ProcessIdentity | undefined;

/** This process's identity, worked out once. */
export function ownIdentity(): ProcessIdentity {
  if (own === undefined) {
    const start = ownStartTime();
    own = start === undefined ? { pid: process.pid } : { pid: process.pid, start };
  }
  return own;
}

/** A lock file's text: the pid on the first line, the start time (when known) on the second. */
export function lockText(identity: ProcessIdentity): string {
  return identity.start === undefined ? `${identity.pid}\n` : `${identity.pid}\n${identity.start}\n`;
}

/** The identity a lock file names; undefined when it names none (locks of older versions hold the pid only). */
export function parseLock(text: string): ProcessIdentity | undefined {
  const [pidLine = '', startLine = ''] = text.split('\n');
  if (!/^[1-9][0-9]{0,9}$/.test(pidLine.trim())) return undefined;
  const start = startLine.trim();
  return start === '' ? { pid: Number(pidLine.trim()) } : { pid: Number(pidLine.trim()), start };
}

/**
 * Whether the process a lock names still holds it: the pid is alive and, when both start times
 * are known, it is the same process, not a later one that was given the same pid.
 */
export function holdsLock(lock: ProcessIdentity, alive: boolean, currentStart: string | undefined): boolean {
  if (!alive) return false;
  return lock.start === undefined || currentStart === undefined || lock.start === currentStart;
}
