import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { writeInputs } from './inputs.ts';
import { REQUIRE_BANNER, sourceRelativeImportMeta } from './source-relative-import-meta.ts';

/**
 * Builds the `switchboard` command into dist/cli/ with esbuild, so `bin/switchboard.js` runs
 * JavaScript and never compiles TypeScript at start. npm packages are bundled too (Node then
 * resolves and compiles a few chunks instead of hundreds of package files: 0.40 s against 0.49 s
 * for a cold `validate`), except native add-ons and the build tools. Each command is its own
 * chunk: `validate` loads neither the web server nor the PostgreSQL client. build/inputs.ts lists the sources the build read, so
 * the launcher can tell when a working tree has moved on (bin/launch.js).
 */

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const CLI_DIR = path.join(ROOT, 'dist', 'cli');
/** The entry the launcher imports; it exports `runMain`. */
export const CLI_ENTRY = 'main.js';

export function cliBuildOptions(outDir: string = CLI_DIR): esbuild.BuildOptions {
  return {
    absWorkingDir: ROOT,
    entryPoints: { main: path.join(ROOT, 'host', 'cli', 'main.ts') },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: ['node20'],
    // Optional native speed-ups, and the tools `start` and `serve` load only on a development checkout.
    external: ['electron', 'bufferutil', 'utf-8-validate', 'pg-native', 'vite', 'esbuild', 'tsx'],
    // Beside main.js: the rewritten import.meta.url assumes every file sits two folders below the root.
    chunkNames: '[name]-[hash]',
    banner: { js: REQUIRE_BANNER },
    metafile: true,
    logLevel: 'warning',
    plugins: [sourceRelativeImportMeta(ROOT)],
  };
}

/** Builds dist/cli/ afresh and returns how many of our source files went into it. */
export async function buildCli(outDir: string = CLI_DIR): Promise<number> {
  fs.rmSync(outDir, { recursive: true, force: true });
  return writeInputs(outDir, [await esbuild.build(cliBuildOptions(outDir))]);
}
