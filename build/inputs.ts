import fs from 'node:fs';
import path from 'node:path';
import type * as esbuild from 'esbuild';

/**
 * Written last into a bundle's folder: the sources of ours its builds read. bin/launch.js's
 * `buildIsStale` compares their times with this file's, for the CLI and the desktop bundles alike.
 */
export const INPUTS_FILE = 'inputs.json';

/** Records the sources (node_modules left out) that `results` read; returns how many. Needs `metafile: true`. */
export function writeInputs(outDir: string, results: readonly esbuild.BuildResult[]): number {
  const inputs = new Set(results.flatMap((result) => Object.keys(result.metafile?.inputs ?? {})).filter((file) => !file.startsWith('node_modules/')));
  fs.writeFileSync(path.join(outDir, INPUTS_FILE), `${JSON.stringify([...inputs])}\n`);
  return inputs.size;
}
