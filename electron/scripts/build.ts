import { BUNDLES, buildElectron, OUT_DIR } from '../build.ts';

/** `npm run build:electron`: bundles main, preload and host into dist/electron/. */
const started = Date.now();
await buildElectron();
process.stdout.write(`switchboard: built ${OUT_DIR} (${BUNDLES.join(', ')}) in ${Date.now() - started} ms\n`);
