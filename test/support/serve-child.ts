import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `switchboard serve` as a child process, shared by the browser tests and the canvas benchmarks
 * (so no vitest here): spawn a serve script, wait for its URL line, stop it.
 */

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const URL_LINE = /^Switchboard is running at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+))\s*$/m;

/** Headless Chromium in a container, without background traffic that would disturb tests and timings. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** A serve child that printed its URL line. */
export interface ServeChild {
  child: ChildProcess;
  /** The URL serve printed, token included. */
  url: string;
  port: number;
  token: string;
}

/** Why a serve child printed no URL line, and what it did print, so each caller words its own error. */
export class ServeNotStarted extends Error {
  override name = 'ServeNotStarted';

  constructor(
    readonly reason: 'timeout' | 'exit' | 'error',
    /** After an exit, its `exitCode` or `signalCode` says how; after a timeout it still runs. */
    readonly child: ChildProcess,
    readonly stdout: string,
    readonly stderr: string,
    cause?: Error,
  ) {
    super(cause?.message ?? `serve ${reason}`, { cause });
  }
}

/**
 * Spawns `node --import tsx <script> <args>` from the repository root and resolves once it prints
 * its URL line. It is killed if this process exits first. On a timeout, an exit or a spawn error it
 * rejects with `ServeNotStarted` and leaves stopping the child to the caller.
 */
export function spawnServe(script: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<ServeChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO_ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));

  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise<ServeChild>((resolve, reject) => {
    const fail = (reason: ServeNotStarted['reason'], cause?: Error) => {
      clearTimeout(timer);
      reject(new ServeNotStarted(reason, child, stdout, stderr, cause));
    };
    const timer = setTimeout(() => fail('timeout'), options.timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = URL_LINE.exec(stdout);
      if (match === null) return;
      clearTimeout(timer);
      resolve({ child, url: match[1]!, port: Number(match[2]), token: match[3]! });
    });
    child.once('exit', () => fail('exit'));
    child.once('error', (error) => fail('error', error));
  });
}

/** SIGTERM (serve closes its lab and host), then SIGKILL if the child has not exited within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
