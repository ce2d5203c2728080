#!/usr/bin/env node
// The `switchboard` command: runs the built CLI (dist/cli/, built by `npm install`'s prepare step
// or `npm run build:cli`), or the TypeScript sources through tsx when they changed since that build.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BUNDLE, loadBuiltCli } from './built-cli.js';
import { buildIsStale, chooseEntry, tsxInstalled } from './launch.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const cliDir = fileURLToPath(new URL('../dist/cli/', import.meta.url));
const built = fs.existsSync(`${cliDir}${BUNDLE}`);
const entry = chooseEntry({ built, stale: built && buildIsStale(cliDir, root), tsxInstalled: tsxInstalled() });
if (entry.run === 'none') {
  process.stderr.write(`switchboard: ${entry.reason}\n`);
  process.exit(2);
}
if (entry.run === 'built') {
  const { runMain } = /** @type {{ runMain: () => Promise<void> }} */ (loadBuiltCli(cliDir).exports);
  await runMain();
} else {
  (await import('tsx/esm/api')).register();
  const { runMain } = await import('../host/cli/main.ts');
  await runMain();
}
