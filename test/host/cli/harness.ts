import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { CliIo } from '../../../host/cli/io.ts';
import { main } from '../../../host/cli/main.ts';

/** The outcome of one in-process CLI call. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `switchboard <argv>` in-process with piped stdin and captured output. */
export async function cli(argv: string[], options: { cwd: string; stdin?: string; isTTY?: boolean; env?: Record<string, string> }): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    isTTY: options.isTTY ?? false,
    cwd: options.cwd,
    env: options.env ?? {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** A fresh temporary directory, removed by `cleanup`. */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-cli-'));
}

/** Writes a playbook (nodes chained in order) into `dir` and returns its file name. */
export function writeChain(dir: string, file: string, id: string, nodes: { id: string; type: string; params?: Record<string, unknown> }[], extra: Record<string, unknown> = {}): string {
  const edges = nodes.slice(1).map((node, i) => ({ id: `e${i + 1}`, from: nodes[i]!.id, port: 'out', to: node.id }));
  const playbook = {
    format: 'switchboard/playbook@1',
    id,
    name: id.replace(/(^|-)(\w)/g, (_m, sep: string, c: string) => `${sep === '-' ? ' ' : ''}${c.toUpperCase()}`),
    nodes: nodes.map((n) => ({ id: n.id, type: n.type, name: n.id, params: n.params ?? {} })),
    edges,
    ...extra,
  };
  fs.writeFileSync(path.join(dir, file), JSON.stringify(playbook, null, 2));
  return file;
}

/** trigger → set → set, the smallest playbook that exercises data flow. */
export function writeTiny(dir: string, file = 'tiny.playbook.json'): string {
  return writeChain(dir, file, 'tiny', [
    { id: 'start', type: 'trigger.manual@1', params: { sample: { ip: '10.0.0.1' } } },
    { id: 'first', type: 'core.set@1', params: { values: { ip: '{{ trigger.ip }}' } } },
    { id: 'second', type: 'core.set@1', params: { values: { seen: '{{ nodes.first.output.ip }}' } } },
  ]);
}

/** Whether output looks like a leaked stack trace. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+:\d+:\d+\)?$/m.test(text) || /\bError: .*\n\s+at /.test(text);
}
