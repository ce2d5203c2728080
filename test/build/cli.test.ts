import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE, CODE_CACHE } from '../../bin/built-cli.js';
import { buildCli, ROOT, shippedPlaybookPaths } from '../../build/cli.ts';

/**
 * The built CLI as `bin/switchboard.js` runs it: plain JavaScript from dist/, no tsx loaded,
 * finding the shipped playbooks and package.json beside its sources.
 */

/** Two folders below the root, like dist/cli, so the bundle's source-relative paths hold. */
const OUT = path.join(ROOT, 'dist', `.cli-test-${process.pid}`);
const LOADER = pathToFileURL(path.join(ROOT, 'bin', 'built-cli.js')).href;
let inputs = 0;

beforeAll(async () => {
  inputs = await buildCli(OUT);
  fs.writeFileSync(path.join(OUT, 'run.mjs'), `const { loadBuiltCli } = await import(${JSON.stringify(LOADER)});\nawait loadBuiltCli(${JSON.stringify(OUT)}).exports.runMain();\n`);
}, 60_000);

afterAll(() => fs.rmSync(OUT, { recursive: true, force: true }));

/** Runs the built entry in plain Node (no --import tsx) with these arguments. */
function runBuilt(args: string[]) {
  return spawnSync(process.execPath, [path.join(OUT, 'run.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
}

describe('the built CLI (dist/cli)', () => {
  it('lists the sources it was built from, for the launcher to tell when they changed', () => {
    const listed = JSON.parse(fs.readFileSync(path.join(OUT, 'inputs.json'), 'utf8')) as string[];
    expect(listed).toHaveLength(inputs);
    expect(listed).toContain('host/cli/main.ts');
    expect(listed.every((file) => !file.startsWith('node_modules/'))).toBe(true);
  });

  it('prints the version from package.json', () => {
    const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const result = runBuilt(['--version']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`switchboard ${version}\n`);
  });

  it('validates the shipped playbooks, with no TypeScript loader in the process', () => {
    const result = runBuilt(['validate', ...shippedPlaybookPaths()]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const file of shippedPlaybookPaths()) expect(result.stdout).toContain(`✓ ${file}`);
  });

  /** How the bundle in `dir` loads in a plain Node (the code cache's use: used, rejected or absent). */
  function cacheUseIn(dir: string): string {
    const script = `const { loadBuiltCli } = await import(${JSON.stringify(LOADER)}); process.stdout.write(loadBuiltCli(${JSON.stringify(dir)}).cache);`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(result.stderr).toBe('');
    return result.stdout;
  }

  it('hands V8 the code cache its build trained, which this Node accepts', () => {
    expect(fs.statSync(path.join(OUT, CODE_CACHE)).size).toBeGreaterThan(100_000);
    expect(cacheUseIn(OUT)).toBe('used');
  });

  it('ignores a code cache made for another bundle, and still runs', () => {
    const other = fs.mkdtempSync(path.join(ROOT, 'dist', '.cli-other-'));
    try {
      fs.writeFileSync(path.join(other, BUNDLE), `${fs.readFileSync(path.join(OUT, BUNDLE), 'utf8')}\n// edited after the build\n`);
      fs.copyFileSync(path.join(OUT, CODE_CACHE), path.join(other, CODE_CACHE));
      expect(cacheUseIn(other)).toBe('absent');
      fs.rmSync(path.join(other, CODE_CACHE));
      expect(cacheUseIn(other)).toBe('absent');
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('validates without loading axios (its HTTP adapter is the only thing here that loads node:http2)', () => {
    const http2Loaded = "process.moduleLoadList.includes('NativeModule http2')";
    const validate = `const { loadBuiltCli, silentIo } = await import(${JSON.stringify(LOADER)});
      const code = await loadBuiltCli(${JSON.stringify(OUT)}).exports.main(${JSON.stringify(['validate', ...shippedPlaybookPaths()])}, silentIo(${JSON.stringify(ROOT)}));
      process.stdout.write(JSON.stringify({ code, http2: ${http2Loaded} }));`;
    const run = (script: string) => spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    const validated = run(validate);
    expect(validated.stderr).toBe('');
    expect(JSON.parse(validated.stdout)).toEqual({ code: 0, http2: false });
    // The signal works: loading axios does load node:http2.
    expect(run(`await import('axios'); process.stdout.write(String(${http2Loaded}));`).stdout).toBe('true');
  });

  it('writes ASCII code, which the launcher may decode as Latin-1: any other byte sits in a comment', () => {
    const lines = fs.readFileSync(path.join(OUT, BUNDLE), 'latin1').split('\n');
    const outsideComments = lines.filter((line) => {
      const first = line.search(/[\u0080-\uffff]/);
      return first >= 0 && !line.slice(0, first).includes('//') && !/^\s*(\*|\/\*)/.test(line);
    });
    expect(outsideComments).toEqual([]);
  });

  it("bundles zod's English messages only (`import * as z` lets the bundler drop the other locales)", () => {
    const bundle = fs.readFileSync(path.join(OUT, BUNDLE), 'utf8');
    const locales = [...bundle.matchAll(/^\/\/ node_modules\/zod\/v4\/locales\/([\w-]+)\.js$/gm)].map((m) => m[1]);
    expect(locales.filter((name) => name !== 'index')).toEqual(['en']);
  });
});
