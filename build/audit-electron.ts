import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { BUNDLES, buildElectron, OUT_DIR, pinnedElectronVersion, ROOT } from './electron.ts';

/**
 * `npm run audit:electron`: Doyensec's electronegativity over the shell's sources (electron/) and
 * over the built bundles, failing on any HIGH finding. It also fails when a file could not be
 * parsed, since a file the scanner skipped is a file nobody audited.
 */

/** The Electron version to judge defaults by (the one package.json pins). */
const ELECTRON_VERSION = pinnedElectronVersion();

interface Issue {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: { name: string; value: number };
  confidence: { name: string };
  description: string;
  manualReview?: boolean;
}

interface ScanResult {
  errors: Array<{ file: string; message: string; tolerable: boolean }>;
  issues: Issue[];
}

type Electronegativity = (options: Record<string, unknown>) => Promise<ScanResult>;

function loadScanner(): Electronegativity {
  try {
    return createRequire(import.meta.url)('@doyensec/electronegativity') as Electronegativity;
  } catch (err) {
    process.stderr.write(
      `audit:electron: cannot load @doyensec/electronegativity (${err instanceof Error ? err.message.split('\n')[0] : String(err)}).\n` +
        'It is a devDependency: run `npm install`. The audit did not run, so it fails.\n',
    );
    process.exit(2);
  }
}

/** electronegativity reads only .js/.ts/.html files, so the .mjs/.cjs bundles are copied as .js. */
function stageBundles(): string {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-audit-'));
  for (const name of BUNDLES) {
    fs.copyFileSync(path.join(OUT_DIR, name), path.join(stage, name.replace(/\.[mc]js$/, '.js')));
  }
  return stage;
}

async function scan(run: Electronegativity, label: string, input: string): Promise<{ high: number; broken: number }> {
  const result = await run({ input, electronVersionOverride: ELECTRON_VERSION, isRelative: true, isVerbose: false });
  process.stdout.write(`\n${label} (${input})\n`);
  const issues = [...result.issues].sort((a, b) => b.severity.value - a.severity.value);
  for (const issue of issues) {
    const review = issue.manualReview ? ' (review)' : '';
    process.stdout.write(`  ${issue.severity.name.padEnd(13)} ${issue.confidence.name.padEnd(9)} ${issue.id}${review}  ${issue.file}:${issue.location.line}  ${issue.description}\n`);
  }
  if (issues.length === 0) process.stdout.write('  no findings\n');
  const broken = result.errors.filter((error) => !error.tolerable);
  for (const error of broken) process.stdout.write(`  NOT SCANNED  ${error.file}: ${error.message}\n`);
  return { high: issues.filter((issue) => issue.severity.name === 'HIGH').length, broken: broken.length };
}

const run = loadScanner();
await buildElectron();
const stage = stageBundles();
try {
  const results = [await scan(run, 'Sources', path.join(ROOT, 'electron')), await scan(run, 'Built bundles (dist/electron)', stage)];
  const high = results.reduce((sum, result) => sum + result.high, 0);
  const broken = results.reduce((sum, result) => sum + result.broken, 0);
  if (high > 0 || broken > 0) {
    process.stdout.write(`\naudit:electron: FAILED — ${high} high-severity finding(s), ${broken} file(s) that could not be scanned\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write('\naudit:electron: passed — no high-severity findings (medium and low ones above are for review)\n');
  }
} finally {
  fs.rmSync(stage, { recursive: true, force: true });
}
