import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * `switchboard worker --database <url> <args>` as a child process with the team's vault key,
 * resolved once it prints that it takes runs; rejected with its stderr if it exits first. Shared
 * by the team tests (kill -9) and the team benchmarks (so no vitest here).
 */
export function spawnWorkerChild(url: string, vaultKey: string, args: readonly string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/switchboard.js', 'worker', '--database', url, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, SWITCHBOARD_VAULT_KEY: vaultKey },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('taking runs')) resolve(child);
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${err}`)));
  });
}
