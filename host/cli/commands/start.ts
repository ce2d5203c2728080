import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs } from '../args.ts';
import { CliError } from '../io.ts';
import type { CliIo } from '../io.ts';
import { buildRendererWithVite, serveCommand, serveUsage } from './serve.ts';

/** What `switchboard help start` prints. */
export const startUsage = `Usage: switchboard start [--browser] [--workspace DIR] [--no-lab] [FILE.playbook.json...] [serve options]

What \`npm start\` runs: the desktop app when Electron is installed, else the browser version
(\`switchboard serve\` on the default workspace, printing its URL). Takes the options of serve.
  --browser        run the browser version even where Electron is installed
Desktop app: --workspace and --no-lab apply (the workspace otherwise comes from its settings),
and each FILE.playbook.json opens in the import flow; --port and --no-open do not apply.

${serveUsage}`;

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ELECTRON_DIR = path.join(REPO_ROOT, 'node_modules', 'electron');

/** Whether the `electron` package and the binary it downloaded are both there. */
export function electronAvailable(dir: string = ELECTRON_DIR): boolean {
  try {
    const binary = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
    return binary !== '' && fs.existsSync(path.join(dir, 'dist', binary));
  } catch {
    return false;
  }
}

/**
 * The Electron executable, when it can run here: what `require('electron')` returns, if that path
 * exists. It is only asked once the binary is there (or a system Electron is named by
 * ELECTRON_OVERRIDE_DIST_PATH), because Electron 45's index.js tries to download a missing one.
 */
export function electronBinary(dir: string = ELECTRON_DIR, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  if (!electronAvailable(dir) && (env.ELECTRON_OVERRIDE_DIST_PATH ?? '') === '') return undefined;
  try {
    const binary: unknown = createRequire(import.meta.url)(dir);
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

/** Seams for tests: how Electron is found, how the bundles are built, how it is launched. */
export interface StartDeps {
  electronBinary?: () => string | undefined;
  prepare?: (io: CliIo) => Promise<void>;
  spawnElectron?: (binary: string, args: string[], env: NodeJS.ProcessEnv) => { exit: Promise<number>; kill(): void };
}

/**
 * Builds what the desktop app loads when it is missing or stale: dist/renderer, and dist/electron
 * through the shell's own build script in a child process (the host does not import the shell).
 */
async function prepareDesktop(io: CliIo): Promise<void> {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'renderer', 'index.html'))) await buildRendererWithVite(io);
  const script = path.join(REPO_ROOT, 'build', 'build-electron.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--if-stale'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode ?? 1));
  });
  if (code !== 0) throw new CliError(`start: building the desktop shell failed (npm run build:electron says why)`);
}

function spawnElectron(binary: string, args: string[], env: NodeJS.ProcessEnv): { exit: Promise<number>; kill(): void } {
  const child = spawn(binary, args, { stdio: 'inherit', env });
  const exit = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 0 : 1)));
  });
  return { exit, kill: () => void child.kill() };
}

/** The desktop app: Electron on dist/electron/main.mjs, until its window closes. */
async function startDesktop(binary: string, argv: readonly string[], io: CliIo, deps: StartDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { workspace: { type: 'string' }, 'no-lab': { type: 'boolean' }, port: { type: 'string' }, 'no-open': { type: 'boolean' } },
    'start',
  );
  const files = positionals.map((file) => path.resolve(io.cwd, file));
  const notPlaybook = files.find((file) => !file.toLowerCase().endsWith('.playbook.json'));
  if (notPlaybook !== undefined) throw new CliError(`start: ${notPlaybook} is not a *.playbook.json file`);
  await (deps.prepare ?? prepareDesktop)(io);
  const env: NodeJS.ProcessEnv = { ...io.env };
  // Electron with this set is plain Node and would not open a window.
  delete env.ELECTRON_RUN_AS_NODE;
  if (values.workspace !== undefined) env.SWITCHBOARD_WORKSPACE = path.resolve(io.cwd, values.workspace);
  if (values['no-lab'] === true) env.SWITCHBOARD_NO_LAB = '1';
  const child = (deps.spawnElectron ?? spawnElectron)(binary, [path.join(REPO_ROOT, 'dist', 'electron', 'main.mjs'), ...files], env);
  const stop = () => child.kill();
  io.signal?.addEventListener('abort', stop, { once: true });
  try {
    return await child.exit;
  } finally {
    io.signal?.removeEventListener('abort', stop);
  }
}

/** `switchboard start`: the desktop app when Electron can run, else (or with --browser) `serve`. */
export async function startCommand(argv: readonly string[], io: CliIo, deps: StartDeps = {}): Promise<number> {
  const browser = argv.includes('--browser');
  const rest = argv.filter((arg) => arg !== '--browser');
  const binary = browser ? undefined : (deps.electronBinary ?? electronBinary)();
  if (binary === undefined) return serveCommand(rest, io);
  return startDesktop(binary, rest, io, deps);
}
