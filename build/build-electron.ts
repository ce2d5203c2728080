import { BUNDLES, buildElectron, bundlesStale, OUT_DIR } from './electron.ts';

/**
 * `npm run build:electron`: bundles main, preload and host into dist/electron/. With
 * `--if-stale` (what `switchboard start` runs) it builds only when a source is newer.
 */
const ifStale = process.argv.includes('--if-stale');
if (ifStale && !bundlesStale()) process.exit(0);
if (ifStale) process.stderr.write('switchboard: building the desktop shell…\n');
const started = Date.now();
await buildElectron();
process.stdout.write(`switchboard: built ${OUT_DIR} (${BUNDLES.join(', ')}) in ${Date.now() - started} ms\n`);
