import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
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

/** Builds all three bundles once. */
export async function buildElectron(options: { outDir?: string; production?: boolean } = {}): Promise<void> {
  await Promise.all(bundleOptions(options.outDir, options.production).map((bundle) => esbuild.build(bundle)));
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

/** Whether the bundles are missing or older than any source they are built from. */
export function bundlesStale(outDir: string = OUT_DIR): boolean {
  const outputs = BUNDLES.map((name) => path.join(outDir, name));
  if (!outputs.every((file) => fs.existsSync(file))) return true;
  const built = Math.min(...outputs.map((file) => fs.statSync(file).mtimeMs));
  const newest = (dir: string): number => {
    let latest = 0;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      latest = Math.max(latest, entry.isDirectory() ? newest(full) : entry.name.endsWith('.ts') ? fs.statSync(full).mtimeMs : 0);
    }
    return latest;
  };
  return ['electron', 'host', 'engine', 'nodes', 'lab'].some((dir) => newest(path.join(ROOT, dir)) > built);
}
