import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { electronBinary, startCommand } from '../../host/cli/commands/start.ts';
import type { CliIo } from '../../host/cli/io.ts';

/** `switchboard start` (what `npm start` runs): its desktop branch, with Electron's launch faked. */

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-start-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function io(env: Record<string, string> = {}): CliIo {
  return { stdout: { write: () => undefined }, stderr: { write: () => undefined }, stdin: Readable.from([]), isTTY: false, cwd: dir, env };
}

/** An `electron` package folder: its index.js answers the binary's path, as the real one does. */
function electronPackage(withBinary: boolean): string {
  const pkg = path.join(dir, 'electron');
  fs.mkdirSync(path.join(pkg, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'electron', main: 'index.js' }));
  fs.writeFileSync(path.join(pkg, 'index.js'), "module.exports = require('path').join(__dirname, 'dist', 'electron');");
  fs.writeFileSync(path.join(pkg, 'path.txt'), 'electron');
  if (withBinary) fs.writeFileSync(path.join(pkg, 'dist', 'electron'), '');
  return pkg;
}

describe('finding Electron', () => {
  it("takes require('electron')'s path once the binary is there", () => {
    const pkg = electronPackage(true);
    expect(electronBinary(pkg, {})).toBe(path.join(pkg, 'dist', 'electron'));
  });

  it('does not ask the package (which would try to download) when the binary is missing', () => {
    const pkg = electronPackage(false);
    fs.writeFileSync(path.join(pkg, 'index.js'), "throw new Error('would download')");
    expect(electronBinary(pkg, {})).toBeUndefined();
    expect(electronBinary(path.join(dir, 'absent'), {})).toBeUndefined();
  });
});

describe('the desktop branch of start', () => {
  function launch(argv: string[], env: Record<string, string> = {}) {
    const calls: Array<{ binary: string; args: string[]; env: NodeJS.ProcessEnv }> = [];
    const prepared: number[] = [];
    const result = startCommand(argv, io(env), {
      electronBinary: () => '/opt/electron/electron',
      prepare: async () => void prepared.push(1),
      spawnElectron: (binary, args, childEnv) => {
        calls.push({ binary, args, env: childEnv });
        return { exit: Promise.resolve(0), kill: () => undefined };
      },
    });
    return { result, calls, prepared };
  }

  it('builds what is missing, then runs Electron on dist/electron/main.mjs with the playbook files to open', async () => {
    fs.writeFileSync(path.join(dir, 'a.playbook.json'), '{}');
    const { result, calls, prepared } = launch(['a.playbook.json', '--workspace', 'ws', '--no-lab'], { ELECTRON_RUN_AS_NODE: '1', HOME: '/home/x' });
    expect(await result).toBe(0);
    expect(prepared).toEqual([1]);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.binary).toBe('/opt/electron/electron');
    expect(call?.args[0]).toMatch(/dist[/\\]electron[/\\]main\.mjs$/);
    expect(call?.args.slice(1)).toEqual([path.join(dir, 'a.playbook.json')]);
    expect(call?.env).toMatchObject({ SWITCHBOARD_WORKSPACE: path.join(dir, 'ws'), SWITCHBOARD_NO_LAB: '1', HOME: '/home/x' });
    expect(call?.env.ELECTRON_RUN_AS_NODE).toBeUndefined();
  });

  it('refuses a file that is not a *.playbook.json', async () => {
    const { result, calls } = launch(['notes.txt']);
    await expect(result).rejects.toThrow(/not a \*\.playbook\.json/);
    expect(calls).toEqual([]);
  });
});
