import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, ROOT } from '../../build/cli.ts';

/**
 * The built CLI as `bin/switchboard.js` runs it: plain JavaScript from dist/, no tsx loaded,
 * finding the shipped playbooks and package.json beside its sources.
 */

/** Two folders below the root, like dist/cli, so the bundle's source-relative paths hold. */
const OUT = path.join(ROOT, 'dist', `.cli-test-${process.pid}`);
let inputs = 0;

beforeAll(async () => {
  inputs = await buildCli(OUT);
  fs.writeFileSync(path.join(OUT, 'run.mjs'), "const { runMain } = await import('./main.js');\nawait runMain();\n");
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
    const files = fs.readdirSync(path.join(ROOT, 'playbooks')).filter((name) => name.endsWith('.playbook.json'));
    const result = runBuilt(['validate', ...files.map((name) => path.join('playbooks', name))]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const name of files) expect(result.stdout).toContain(`✓ playbooks/${name}`);
  });

  /** The chunks `validate` loads: main.js, the command's chunk, and what they import statically. */
  function loadedByValidate(): { textOf: (file: string) => string; loaded: Set<string> } {
    const textOf = (file: string) => fs.readFileSync(path.join(OUT, file), 'utf8');
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      for (const match of textOf(file).matchAll(/^import\s+(?:[^'"]*?from\s+)?["']\.\/([^"']+)["']/gm)) visit(match[1]!);
    };
    visit('main.js');
    const validate = fs.readdirSync(OUT).find((file) => file.startsWith('validate-'));
    expect(validate).toBeDefined();
    visit(validate!);
    return { textOf, loaded };
  }

  it.each([
    ['the PostgreSQL client', /node_modules\/(pg|pg-boss)\//],
    ['the HTTP client (axios, imported on the first request)', /node_modules\/axios\//],
  ])('loads a command only when it runs: what validate loads holds no %s, which a chunk of its own does', (_what, pattern) => {
    const { textOf, loaded } = loadedByValidate();
    expect([...loaded].filter((file) => pattern.test(textOf(file)))).toEqual([]);
    expect(fs.readdirSync(OUT).some((file) => file.endsWith('.js') && pattern.test(textOf(file)))).toBe(true);
  });

  it("bundles zod's English messages only (`import * as z` lets the bundler drop the other locales)", () => {
    const { textOf, loaded } = loadedByValidate();
    const locales = [...loaded].flatMap((file) => [...textOf(file).matchAll(/^\/\/ node_modules\/zod\/v4\/locales\/([\w-]+)\.js$/gm)].map((m) => m[1]));
    expect(locales).toEqual(['en']);
  });
});
