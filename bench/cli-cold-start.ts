import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BUNDLE } from '../bin/built-cli.js';
import { buildIsStale } from '../bin/launch.js';
import { buildCli, CLI_DIR, ROOT, shippedPlaybookPaths } from '../build/cli.ts';
import { benchResult, medianPair, timeMs } from './stats.ts';
import type { BenchResult } from './stats.ts';

/**
 * `cli-cold-start`: wall-clock ms of a fresh `switchboard validate playbooks/*.playbook.json`
 * process (the pre-commit hook and CI step), median of 10, against `node -e 0` started the same
 * way in alternation: the ratio is what our CLI adds to Node's own start. Target ≤ 300 ms.
 */

const BIN = path.join(ROOT, 'bin', 'switchboard.js');

function runToEnd(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.trim()}`))));
  });
}

export async function cliColdStart(): Promise<BenchResult> {
  if (!fs.existsSync(path.join(CLI_DIR, BUNDLE)) || buildIsStale(CLI_DIR, ROOT)) {
    // Otherwise the launcher would run the sources through tsx, and the figure would time that.
    process.stderr.write('cli-cold-start: dist/cli is missing or older than its sources; building it\n');
    await buildCli(CLI_DIR);
  }
  const [ours, node] = await medianPair(
    () => timeMs(() => runToEnd([BIN, 'validate', ...shippedPlaybookPaths()])),
    () => timeMs(() => runToEnd(['-e', '0'])),
    { warmup: 2, runs: 10 },
  );
  return benchResult('cli-cold-start', ours, node);
}
