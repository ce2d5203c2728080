import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, hasStackTrace, tempDir, writeChain, writeTiny } from './harness.ts';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  fs.chmodSync(dir, 0o700);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('switchboard validate', () => {
  it('passes a valid playbook with its node count', async () => {
    const file = writeTiny(dir);
    const result = await cli(['validate', file], { cwd: dir });
    expect(result).toMatchObject({ code: 0, stdout: `✓ ${file} (3 nodes)\n` });
  });

  it('lists every problem of an invalid playbook, one per line with the file name, exit 2', async () => {
    const file = writeChain(dir, 'bad.playbook.json', 'bad', [
      { id: 'start', type: 'trigger.manual@1' },
      { id: 'lookup', type: 'nosuch.thing@1' },
      { id: 'other', type: 'nosuch.other@1' },
    ]);
    const result = await cli(['validate', file], { cwd: dir });
    expect(result.code).toBe(2);
    const lines = result.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const line of lines) expect(line.startsWith(`${file}`)).toBe(true);
    expect(result.stdout).toContain('nosuch.thing@1');
    expect(result.stdout).toContain('nosuch.other@1');
    expect(result.stdout).not.toContain('✓');
  });

  it('checks several files and fails when any is invalid', async () => {
    const good = writeTiny(dir);
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ "format": ');
    const result = await cli(['validate', good, 'broken.json'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(`✓ ${good}`);
    expect(result.stdout).toMatch(/^broken\.json:\d+:\d+ error /m);
  });

  const hostile: [string, (file: string) => void, RegExp][] = [
    ['a file that does not exist', () => undefined, /FILE_NOT_FOUND/],
    ['a directory', (file) => fs.mkdirSync(file), /FILE_IS_DIRECTORY/],
    ['binary garbage', (file) => fs.writeFileSync(file, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))), /error/],
    ['an empty file', (file) => fs.writeFileSync(file, ''), /error/],
    ['JSON that is not a playbook', (file) => fs.writeFileSync(file, '[1, 2, 3]'), /error/],
    ['a prototype-pollution payload', (file) => fs.writeFileSync(file, '{"__proto__": {"polluted": true}}'), /error/],
  ];
  for (const [what, make, message] of hostile) {
    it(`refuses ${what} with one line and exit 2, no stack trace`, async () => {
      make(path.join(dir, 'input.json'));
      const result = await cli(['validate', 'input.json'], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stdout + result.stderr).toMatch(message);
      expect(hasStackTrace(result.stdout + result.stderr)).toBe(false);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it.skipIf(process.getuid?.() === 0)('refuses a file it may not read', async () => {
    const file = writeTiny(dir);
    fs.chmodSync(path.join(dir, file), 0o000);
    const result = await cli(['validate', file], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('FILE_UNREADABLE permission denied');
  });

  it('is a usage error without files, and for unknown options', async () => {
    const none = await cli(['validate'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    const unknown = await cli(['validate', '--frobnicate', 'x.json'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--frobnicate');
    expect(hasStackTrace(unknown.stderr)).toBe(false);
  });
});
