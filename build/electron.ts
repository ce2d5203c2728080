import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { buildIsStale } from '../bin/launch.js';
import { writeInputs } from './inputs.ts';
import { REQUIRE_BANNER, sourceRelativeImportMeta } from './source-relative-import-meta.ts';

/**
 * Builds the desktop shell's three bundles with esbuild (Electron runs JavaScript, not our
 * TypeScript): dist/electron/main.mjs (ESM), preload.cjs (CommonJS, as sandboxed preloads must
 * be) and host.mjs (the host for the utility process, with the engine, connectors and lab). Only
 * `electron` stays external, so a packaged app needs no node_modules.
 */

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const OUT_DIR = path.join(ROOT, 'dist', 'electron');

/** The bundles' file names in OUT_DIR: main, preload and host, in that order. */
export const BUNDLES = ['main.mjs', 'preload.cjs', 'host.mjs'] as const;

/** The Electron version package.json pins (optionalDependencies.electron), so the scripts never disagree on it. */
export function pinnedElectronVersion(root: string = ROOT): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
  const version = pkg.optionalDependencies?.electron;
  if (version === undefined) throw new Error('package.json has no optionalDependencies.electron to take the version from');
  return version;
}

/** Electron 45 runs Node 22 in main and in utility processes. */
const NODE_TARGET = ['node22', 'es2020'];

/** The esbuild options of each bundle. */
export function bundleOptions(outDir: string = OUT_DIR, production = true): esbuild.BuildOptions[] {
  const common: esbuild.BuildOptions = {
    bundle: true,
    platform: 'node',
    target: NODE_TARGET,
    external: ['electron'],
    sourcemap: production ? false : 'inline',
    minify: false,
    legalComments: 'linked',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
  };
  const [main, preload, host] = BUNDLES;
  return [
    { ...common, entryPoints: [path.join(ROOT, 'electron', 'main.ts')], outfile: path.join(outDir, main), format: 'esm', banner: { js: REQUIRE_BANNER } },
    { ...common, entryPoints: [path.join(ROOT, 'electron', 'preload.ts')], outfile: path.join(outDir, preload), format: 'cjs' },
    {
      ...common,
      entryPoints: [path.join(ROOT, 'host', 'electron-host.ts')],
      outfile: path.join(outDir, host),
      format: 'esm',
      banner: { js: REQUIRE_BANNER },
      // ws's optional native speed-ups; it falls back to JavaScript without them.
      external: ['electron', 'bufferutil', 'utf-8-validate'],
      plugins: [sourceRelativeImportMeta(ROOT, ['electron/'])],
    },
  ];
}

/** Builds all three bundles once, and records the sources they read (for `bundlesStale`). */
export async function buildElectron(options: { outDir?: string; production?: boolean } = {}): Promise<void> {
  const results = await Promise.all(bundleOptions(options.outDir, options.production).map((bundle) => esbuild.build({ ...bundle, metafile: true })));
  writeInputs(options.outDir ?? OUT_DIR, results);
}

/** Rebuilds on every change; `onBuilt` hears which bundle finished (`main.mjs`, `preload.cjs`, `host.mjs`). */
export async function watchElectron(onBuilt: (bundle: string) => void, outDir: string = OUT_DIR): Promise<() => Promise<void>> {
  const contexts = await Promise.all(
    bundleOptions(outDir, false).map((bundle) =>
      esbuild.context({
        ...bundle,
        plugins: [
          ...(bundle.plugins ?? []),
          { name: 'report', setup: (build) => build.onEnd((result) => void (result.errors.length === 0 && onBuilt(path.basename(bundle.outfile ?? '')))) },
        ],
      }),
    ),
  );
  await Promise.all(contexts.map((context) => context.watch()));
  return async () => void (await Promise.all(contexts.map((context) => context.dispose())));
}

/** Whether a bundle is missing, or a source the last build read has changed since (bin/launch.js). */
export function bundlesStale(outDir: string = OUT_DIR): boolean {
  return !BUNDLES.every((name) => fs.existsSync(path.join(outDir, name))) || buildIsStale(outDir, ROOT);
}
