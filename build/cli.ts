import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { writeInputs } from './inputs.ts';
import { sourceRelativeImportMeta } from './source-relative-import-meta.ts';

/**
 * Builds the `switchboard` command into dist/cli/ with esbuild, so `bin/switchboard.js` runs
 * JavaScript and never compiles TypeScript at start. npm packages are bundled too (Node then
 * reads one file instead of hundreds of package files), except native add-ons and the build
 * tools. The bundle is one CommonJS file, because V8 takes a code cache only for a script: the
 * build trains one on `validate` of the shipped playbooks (bin/built-cli.js), which a cold start
 * then skips compiling. Each command's modules still run only when that command does (esbuild
 * wraps each imported-on-demand module in a lazy initialiser), so `validate` never starts the
 * web server or the PostgreSQL client. build/inputs.ts lists the sources the build read, so the
 * launcher can tell when a working tree has moved on (bin/launch.js).
 */

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const CLI_DIR = path.join(ROOT, 'dist', 'cli');
/** The bundle's own URL, for the packages that read `import.meta.url` (ours are rewritten to their sources). */
const BUNDLE_URL = '__switchboardBundleUrl';

export function cliBuildOptions(outDir: string = CLI_DIR): esbuild.BuildOptions {
  return {
    absWorkingDir: ROOT,
    entryPoints: { main: path.join(ROOT, 'host', 'cli', 'main.ts') },
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: ['node20'],
    // Strings, regexes and names escaped to ASCII: the launcher decodes the bundle as Latin-1.
    charset: 'ascii',
    // Optional native speed-ups, and the tools `start` and `serve` load only on a development checkout.
    external: ['electron', 'bufferutil', 'utf-8-validate', 'pg-native', 'vite', 'esbuild', 'tsx'],
    banner: { js: `const ${BUNDLE_URL} = require('node:url').pathToFileURL(__filename).href;` },
    define: { 'import.meta.url': BUNDLE_URL },
    metafile: true,
    logLevel: 'warning',
    plugins: [sourceRelativeImportMeta(ROOT)],
  };
}

/** The shipped playbooks, as paths from the root: what the code cache is trained on and `cli-cold-start` times. */
export function shippedPlaybookPaths(): string[] {
  return fs
    .readdirSync(path.join(ROOT, 'playbooks'))
    .filter((name) => name.endsWith('.playbook.json'))
    .map((name) => `playbooks/${name}`);
}

/** What the code cache is trained on: the pre-commit hook's and CI's command. */
function trainingCommand(): string[] {
  return ['validate', ...shippedPlaybookPaths()];
}

/**
 * Writes the code cache in a fresh Node with no loader or flags of ours, so the cache matches
 * the plain `node` that runs `switchboard` (V8 refuses a cache made under other flags).
 */
function trainCodeCache(outDir: string): void {
  const loader = pathToFileURL(path.join(ROOT, 'bin', 'built-cli.js')).href;
  const script = `const { writeCodeCache } = await import(${JSON.stringify(loader)}); await writeCodeCache(${JSON.stringify(outDir)}, ${JSON.stringify(trainingCommand())}, ${JSON.stringify(ROOT)});`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  if (result.status !== 0) throw new Error(`training the CLI's code cache failed: ${result.stderr.trim() || `exit ${result.status}`}`);
}

/** Builds dist/cli/ afresh and returns how many of our source files went into it. */
export async function buildCli(outDir: string = CLI_DIR): Promise<number> {
  fs.rmSync(outDir, { recursive: true, force: true });
  const result = await esbuild.build(cliBuildOptions(outDir));
  trainCodeCache(outDir);
  return writeInputs(outDir, [result]);
}
