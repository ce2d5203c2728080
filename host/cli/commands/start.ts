import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../io.ts';
import { serveCommand, serveUsage } from './serve.ts';

/** What `switchboard help start` prints. */
export const startUsage = `Usage: switchboard start [serve options]

What \`npm start\` runs: the desktop app when Electron is installed, else the browser version
(\`switchboard serve\` on the default workspace, printing its URL). Takes the options of serve.

${serveUsage}`;

const ELECTRON_DIR = fileURLToPath(new URL('../../../node_modules/electron/', import.meta.url));

/** Whether the `electron` package and the binary it downloaded are both there. */
export function electronAvailable(dir: string = ELECTRON_DIR): boolean {
  try {
    const binary = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
    return binary !== '' && fs.existsSync(path.join(dir, 'dist', binary));
  } catch {
    return false;
  }
}

/** `switchboard start`: the desktop shell when it can run (not built yet), else `serve`. */
export async function startCommand(argv: readonly string[], io: CliIo): Promise<number> {
  if (electronAvailable()) io.stderr.write('switchboard: the desktop shell is not built yet; starting the browser version instead\n');
  return serveCommand(argv, io);
}
