import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildIsStale, chooseEntry } from '../../bin/launch.js';
import { useTempDir } from '../support/temp-dir.ts';

describe('chooseEntry: which code `switchboard` runs', () => {
  it('runs the build when it is there and up to date', () => {
    expect(chooseEntry({ built: true, stale: false, tsxInstalled: true })).toEqual({ run: 'built' });
    expect(chooseEntry({ built: true, stale: false, tsxInstalled: false })).toEqual({ run: 'built' });
  });

  it('runs the sources through tsx when a source changed since the build, so a developer never runs old code', () => {
    expect(chooseEntry({ built: true, stale: true, tsxInstalled: true })).toEqual({ run: 'sources' });
  });

  it('runs the build without tsx even if it looks stale: an install without dev tools has nothing else', () => {
    expect(chooseEntry({ built: true, stale: true, tsxInstalled: false })).toEqual({ run: 'built' });
  });

  it('runs the sources when nothing is built, and says what to do when neither is possible', () => {
    expect(chooseEntry({ built: false, stale: false, tsxInstalled: true })).toEqual({ run: 'sources' });
    const none = chooseEntry({ built: false, stale: false, tsxInstalled: false });
    expect(none).toMatchObject({ run: 'none' });
    expect(none.run === 'none' && none.reason).toMatch(/npm install/);
  });
});

describe('buildIsStale: has the working tree moved on since dist/cli was built?', () => {
  const tempDir = useTempDir('switchboard-launch-');
  let root: string;
  let cliDir: string;
  const past = new Date(Date.now() - 60_000);

  beforeEach(() => {
    root = tempDir();
    cliDir = path.join(root, 'dist', 'cli');
    fs.mkdirSync(cliDir, { recursive: true });
    fs.mkdirSync(path.join(root, 'host'));
    fs.writeFileSync(path.join(root, 'host', 'a.ts'), 'export {};\n');
    fs.utimesSync(path.join(root, 'host', 'a.ts'), past, past);
    fs.writeFileSync(path.join(cliDir, 'inputs.json'), JSON.stringify(['host/a.ts']));
    fs.writeFileSync(path.join(cliDir, 'main.js'), 'export {};\n');
  });

  it('is fresh when every input is older than the build', () => {
    expect(buildIsStale(cliDir, root)).toBe(false);
  });

  it('is stale when an input was edited after the build', () => {
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(root, 'host', 'a.ts'), later, later);
    expect(buildIsStale(cliDir, root)).toBe(true);
  });

  it('is stale when an input is gone, or the list of inputs is missing', () => {
    fs.rmSync(path.join(root, 'host', 'a.ts'));
    expect(buildIsStale(cliDir, root)).toBe(true);
    fs.rmSync(path.join(cliDir, 'inputs.json'));
    expect(buildIsStale(cliDir, root)).toBe(true);
  });
});
