import path from 'node:path';
import { buildCli, CLI_DIR, ROOT } from './cli.ts';

/** `npm run build:cli` (and `prepare`, so `npm install` leaves a working `npx switchboard`). */
const started = Date.now();
const inputs = await buildCli();
process.stdout.write(`switchboard: built ${path.relative(ROOT, CLI_DIR)}/ from ${inputs} source files in ${Date.now() - started} ms\n`);
