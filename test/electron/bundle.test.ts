import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron, ROOT } from '../../build/electron.ts';
import type { HostReport, InitMessage } from '../../host/electron-host.ts';
import type { ServerFrame } from '../../host/protocol/contract.ts';

/**
 * The bundles as Electron would load them: built with esbuild, the host bundle run in a child
 * process (a utility process stands in), killed mid-run like a crashed host, and started again.
 */

const DRIVER = fileURLToPath(new URL('./support/host-driver.mjs', import.meta.url));
/** Two folders below the root, like dist/electron, so the bundle's source-relative paths hold. */
const OUT = path.join(ROOT, 'dist', `.electron-test-${process.pid}`);

let workspace: string;
const key = randomBytes(32).toString('base64');
const children: ChildProcess[] = [];

beforeAll(async () => {
  await buildElectron({ outDir: OUT });
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bundle-'));
}, 60_000);

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.rmSync(workspace, { recursive: true, force: true });
});

/** One host process on `workspace`, with a renderer connection through the driver. */
async function startHost() {
  const child = fork(DRIVER, [path.join(OUT, 'host.mjs')], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  children.push(child);
  const frames: ServerFrame[] = [];
  const reports: HostReport[] = [];
  child.on('message', (message: { frame?: string; report?: HostReport }) => {
    if (message.frame !== undefined) frames.push(JSON.parse(message.frame) as ServerFrame);
    if (message.report !== undefined) reports.push(message.report);
  });
  await new Promise<void>((resolve) => child.once('message', () => resolve()));
  const init: InitMessage = { type: 'init', workspace, key, vault: { protection: 'safe-storage', detail: 'test keyring' }, lab: false };
  child.send({ init });
  let nextId = 1;
  const until = async <T>(probe: () => T | undefined): Promise<T> => {
    for (let i = 0; i < 2_000; i++) {
      const value = probe();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error('timed out waiting for the host');
  };
  const call = async (method: string, params: unknown = {}) => {
    const id = nextId++;
    child.send({ frame: JSON.stringify({ id, method, params }) });
    const frame = await until(() => frames.find((entry) => 'id' in entry && entry.id === id));
    if ('error' in frame) throw new Error(`${frame.error.code}: ${frame.error.message}`);
    return (frame as { result: unknown }).result as Record<string, unknown>;
  };
  return { child, frames, reports, call, until };
}

describe('the bundled host (dist/electron/host.mjs)', () => {
  it('builds main (ESM), preload (CommonJS) and host, with only electron left external', () => {
    const main = fs.readFileSync(path.join(OUT, 'main.mjs'), 'utf8');
    const preload = fs.readFileSync(path.join(OUT, 'preload.cjs'), 'utf8');
    expect(preload).toContain('require("electron")');
    expect(preload).toContain('exposeInMainWorld("switchboard"');
    expect(preload).not.toMatch(/require\("(?!electron")/);
    expect(main).toMatch(/from "electron"/);
  });

  it('runs under plain Node: finds package.json and the shipped playbooks from inside the bundle', async () => {
    const host = await startHost();
    const info = await host.call('host.info');
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(info).toMatchObject({ version: pkg.version, workspace, vault: { protection: 'safe-storage', detail: 'test keyring' } });
    const { playbooks } = (await host.call('playbooks.list')) as { playbooks: Array<{ id: string }> };
    const shipped = fs.readdirSync(path.join(ROOT, 'playbooks')).filter((name) => name.endsWith('.playbook.json'));
    expect(playbooks.length).toBe(shipped.length);
    host.child.send({ control: { type: 'shutdown' } });
    await new Promise((resolve) => host.child.once('exit', resolve));
    expect(host.child.exitCode).toBe(0);
  }, 30_000);

  it('a run live when its host is killed reads as interrupted from the restarted host', async () => {
    const first = await startHost();
    const { playbooks } = (await first.call('playbooks.list')) as { playbooks: Array<{ id: string }> };
    const playbookId = playbooks[0]?.id ?? '';
    const { runId } = (await first.call('runs.start', { playbookId, mode: 'step', dryRun: true })) as { runId: string };
    await first.until(() => first.frames.find((frame) => 'event' in frame && (frame.payload as { type?: string; runId?: string }).type === 'run.paused'));
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    const second = await startHost();
    const { runs } = (await second.call('runs.list', {})) as { runs: Array<{ runId: string; status: string }> };
    expect(runs.find((run) => run.runId === runId)?.status).toBe('interrupted');
    second.child.kill('SIGKILL');
  }, 30_000);
});
