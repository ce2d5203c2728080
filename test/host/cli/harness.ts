import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { CliIo } from '../../../host/cli/io.ts';
import { main } from '../../../host/cli/main.ts';
import { chainPlaybook, TINY } from '../../support/chain-playbook.ts';

/** The outcome of one in-process CLI call. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `switchboard <argv>` in-process with piped stdin and captured output. */
export async function cli(argv: string[], options: { cwd: string; stdin?: string; isTTY?: boolean; env?: Record<string, string> }): Promise<CliResult> {
  return runInProcess(argv, options).result;
}

/** Starts `switchboard <argv>` in-process over a captured io; `result` resolves once it exits. */
function runInProcess(
  argv: string[],
  options: { cwd: string; stdin?: string; isTTY?: boolean; env?: Record<string, string>; signal?: AbortSignal },
): { stdout: () => string; stderr: () => string; result: Promise<CliResult> } {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    isTTY: options.isTTY ?? false,
    cwd: options.cwd,
    env: options.env ?? {},
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const result = main(argv, io).then((code) => ({ code, stdout, stderr }));
  return { stdout: () => stdout, stderr: () => stderr, result };
}

/** A long-running command started in-process (`switchboard lab`): its output so far, and Ctrl-C. */
export interface RunningCli {
  stdout(): string;
  stderr(): string;
  /** Aborts the command as Ctrl-C does and waits for its exit code. */
  stop(): Promise<CliResult>;
}

/** Starts `switchboard <argv>` in-process without waiting for it to end; `stop` sends it Ctrl-C. */
export function startCli(argv: string[], options: { cwd: string; env?: Record<string, string> }): RunningCli {
  const abort = new AbortController();
  const running = runInProcess(argv, { ...options, signal: abort.signal });
  return {
    stdout: running.stdout,
    stderr: running.stderr,
    stop: async () => {
      abort.abort();
      return running.result;
    },
  };
}

/** A fresh temporary directory; the caller removes it. */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-cli-'));
}

/** Writes `playbook` into `dir` as `file`, named after its id in title case (`slow-run` → `Slow Run`); returns `file`. */
function writeTitled(dir: string, file: string, playbook: { id: string }): string {
  const name = playbook.id.replace(/(^|-)(\w)/g, (_m, sep: string, c: string) => `${sep === '-' ? ' ' : ''}${c.toUpperCase()}`);
  fs.writeFileSync(path.join(dir, file), JSON.stringify({ ...playbook, name }, null, 2));
  return file;
}

/** Writes a playbook (nodes chained in order) into `dir` and returns its file name. */
export function writeChain(dir: string, file: string, id: string, nodes: Parameters<typeof chainPlaybook>[1], extra: Record<string, unknown> = {}): string {
  return writeTitled(dir, file, chainPlaybook(id, nodes, extra));
}

/** `TINY` (trigger → set → set), the smallest playbook that exercises data flow. */
export function writeTiny(dir: string, file = 'tiny.playbook.json'): string {
  return writeTitled(dir, file, TINY);
}

/** Whether output looks like a leaked stack trace. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+:\d+:\d+\)?$/m.test(text) || /\bError: .*\n\s+at /.test(text);
}
