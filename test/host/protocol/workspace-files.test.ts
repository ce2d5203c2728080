import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost } from '../../../host/host.ts';
import { dispatch } from '../../../host/protocol/dispatch.ts';
import { keyFileProvider } from '../../../host/vault/key-provider.ts';
import { chainPlaybook, TINY } from '../../support/chain-playbook.ts';
import { cli } from '../cli/harness.ts';
import { tempDir, testKeyProvider, useProtocolServer, writeShipped } from './harness.ts';

const CANARY = 'canary-outside-5d1e-not-for-export';
/** Symbolic links need no privilege on POSIX; on Windows they need developer mode, so these tests run where links can be made. */
const posix = process.platform !== 'win32';

let outside: string;
let outsidePlaybook: string;
let outsideJournal: string;

const digest = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const linkError = (file: string) => expect.objectContaining({ code: 'FAILED', message: expect.stringContaining(`${file} is a symbolic link`) });

beforeAll(() => {
  outside = tempDir('switchboard-outside-');
  outsidePlaybook = path.join(outside, 'secret.playbook.json');
  fs.writeFileSync(outsidePlaybook, JSON.stringify({ ...TINY, id: 'leak', description: CANARY }));
  outsideJournal = path.join(outside, 'other.jsonl');
  fs.writeFileSync(outsideJournal, `${JSON.stringify({ seq: 1, runId: 'r', at: 1, type: 'run.started', playbookId: 'tiny', playbookName: CANARY, revision: 1, mode: 'run', dryRun: false, trigger: {}, nodeIds: [] })}\n`);
});
afterAll(() => fs.rmSync(outside, { recursive: true, force: true }));

const { client, workspace } = useProtocolServer((dir) => ({ shipped: writeShipped(dir(), [TINY]), workspace: dir() }));

describe.runIf(posix)('the workspace never follows a symbolic link out of itself', () => {
  it('refuses to export, get or list a playbook file that is a link outside, naming the file', async () => {
    const link = path.join(workspace(), 'playbooks', 'leak.playbook.json');
    fs.symlinkSync(outsidePlaybook, link);
    await expect(client().call('playbooks.export', { id: 'leak' })).rejects.toEqual(linkError(link));
    await expect(client().call('playbooks.get', { id: 'leak' })).rejects.toEqual(linkError(link));
    const { playbooks } = await client().call('playbooks.list', {});
    expect(playbooks.map((p) => p.id)).toEqual(['tiny']);
    expect(client().frames.join('\n')).not.toContain(CANARY);
  });

  it('refuses a playbook that links to the vault file inside the workspace, without a byte of it', async () => {
    await client().call('credentials.save', { name: 'VT', connector: 'virustotal', values: { apiKey: 'k-0123456789abcdef' } });
    const vault = path.join(workspace(), 'vault.json');
    const link = path.join(workspace(), 'playbooks', 'vault-copy.playbook.json');
    fs.symlinkSync('../vault.json', link);
    await expect(client().call('playbooks.export', { id: 'vault-copy' })).rejects.toEqual(linkError(link));
    expect(client().frames.join('\n')).not.toContain(JSON.parse(fs.readFileSync(vault, 'utf8')).check.data);
  });

  it('refuses to save (and so to import) over a link, leaving its target as it was', async () => {
    const before = digest(outsidePlaybook);
    const text = JSON.stringify({ ...TINY, id: 'leak', description: 'overwritten' });
    const imported = await client().call('playbooks.import', { text, fileName: 'leak.playbook.json' });
    expect(imported.problems).toEqual([]);
    const link = path.join(workspace(), 'playbooks', 'leak.playbook.json');
    await expect(client().call('playbooks.save', { playbook: JSON.parse(text) })).rejects.toEqual(linkError(link));
    expect(digest(outsidePlaybook)).toBe(before);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('refuses settings and run journals that are links', async () => {
    const settings = path.join(workspace(), 'settings.json');
    const kept = fs.readFileSync(settings);
    fs.rmSync(settings);
    fs.symlinkSync(outsidePlaybook, settings);
    await expect(client().call('settings.get', {})).rejects.toEqual(linkError(settings));
    await expect(client().call('settings.save', { labMode: true })).rejects.toEqual(linkError(settings));
    fs.rmSync(settings);
    fs.writeFileSync(settings, kept);

    fs.mkdirSync(path.join(workspace(), 'runs'), { recursive: true });
    const journal = path.join(workspace(), 'runs', 'r-linked.jsonl');
    fs.symlinkSync(outsideJournal, journal);
    await expect(client().call('runs.get', { runId: 'r-linked' })).rejects.toEqual(linkError(journal));
    const { runs } = await client().call('runs.list', {});
    expect(runs.map((r) => r.runId)).not.toContain('r-linked');
    expect(client().frames.join('\n')).not.toContain(CANARY);
  });

  it('refuses a playbooks folder that is a link, naming the folder', async () => {
    const real = path.join(workspace(), 'playbooks');
    const moved = path.join(outside, 'moved-playbooks');
    fs.renameSync(real, moved);
    fs.symlinkSync(moved, real);
    try {
      await expect(client().call('playbooks.list', {})).rejects.toEqual(linkError(real));
      await expect(client().call('playbooks.get', { id: 'tiny' })).rejects.toEqual(linkError(real));
      await expect(client().call('playbooks.create', { name: 'Fresh' })).rejects.toEqual(linkError(real));
      expect(fs.existsSync(path.join(moved, 'fresh.playbook.json'))).toBe(false);
    } finally {
      fs.rmSync(real);
      fs.renameSync(moved, real);
    }
    expect((await client().call('playbooks.get', { id: 'tiny' })).playbook.id).toBe('tiny');
  });
});

describe.runIf(posix)('a host over a workspace whose vault or key is a link', () => {
  let dirs: string[] = [];
  const fresh = () => {
    const made = tempDir();
    dirs.push(made);
    return made;
  };
  afterAll(() => {
    for (const made of dirs) fs.rmSync(made, { recursive: true, force: true });
    dirs = [];
  });

  it('does not start on a vault.json that links elsewhere, naming it', async () => {
    const source = fresh();
    const first = await createHost({ workspaceDir: source, shippedDir: writeShipped(fresh(), [TINY]), keyProvider: testKeyProvider() });
    await first.close();
    const ws = fresh();
    const vault = path.join(ws, 'vault.json');
    fs.symlinkSync(path.join(source, 'vault.json'), vault);
    await expect(createHost({ workspaceDir: ws, shippedDir: writeShipped(fresh(), [TINY]), keyProvider: testKeyProvider() })).rejects.toThrow(`${vault} is a symbolic link`);
  });

  it('never reads a vault key through a link, and never writes a new key through a dangling one', async () => {
    const keyStore = fresh();
    const realKey = path.join(keyStore, 'stolen.key');
    fs.writeFileSync(realKey, randomBytes(32), { mode: 0o600 });
    const ws = fresh();
    const key = path.join(ws, 'vault.key');
    fs.symlinkSync(realKey, key);
    const options = { workspaceDir: ws, shippedDir: writeShipped(fresh(), [TINY]), keyProvider: keyFileProvider(key) };
    await expect(createHost(options)).rejects.toThrow(`${key} is a symbolic link`);

    const dangling = fresh();
    const planted = path.join(keyStore, 'planted.key');
    const danglingKey = path.join(dangling, 'vault.key');
    fs.symlinkSync(planted, danglingKey);
    await expect(createHost({ ...options, workspaceDir: dangling, keyProvider: keyFileProvider(danglingKey) })).rejects.toThrow(`${danglingKey} is a symbolic link`);
    expect(fs.existsSync(planted)).toBe(false);
  });

  it('answers the protocol with the refusal and keeps serving other requests', async () => {
    const ws = fresh();
    const host = await createHost({ workspaceDir: ws, shippedDir: writeShipped(fresh(), [TINY]), keyProvider: testKeyProvider() });
    try {
      const link = path.join(ws, 'playbooks', 'x.playbook.json');
      fs.symlinkSync(outsidePlaybook, link);
      const refused = await dispatch(JSON.stringify({ id: 1, method: 'playbooks.export', params: { id: 'x' } }), host.context);
      expect(refused).toEqual({ id: 1, error: { code: 'FAILED', message: `playbooks.export failed: ${link} is a symbolic link; Switchboard never follows links inside its workspace (replace it with the file itself)` } });
      const served = await dispatch(JSON.stringify({ id: 2, method: 'playbooks.export', params: { id: 'tiny' } }), host.context);
      expect(served).toMatchObject({ id: 2, result: { fileName: 'tiny.playbook.json' } });
    } finally {
      await host.close();
    }
  });
});

describe('a playbook id that is a Windows device name', () => {
  it('is refused on save, import and get, whatever the platform, naming the id', async () => {
    for (const id of ['con', 'nul', 'aux', 'prn', 'com1', 'lpt9']) {
      await expect(client().call('playbooks.save', { playbook: { ...TINY, id } })).rejects.toMatchObject({
        code: 'INVALID_PLAYBOOK',
        message: expect.stringContaining(`id "${id}" is a Windows device name`),
      });
      const imported = await client().call('playbooks.import', { text: JSON.stringify({ ...TINY, id }), fileName: `${id}.playbook.json` });
      expect(imported.playbook).toBeUndefined();
      expect(imported.problems).toEqual([expect.objectContaining({ path: 'id', message: expect.stringContaining('is a Windows device name') })]);
      await expect(client().call('playbooks.get', { id })).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: `id: ${id} is a Windows device name (con, prn, aux, nul, com1–com9, lpt1–lpt9): Windows cannot hold a file of that name; choose another id` });
      expect(fs.existsSync(path.join(workspace(), 'playbooks', `${id}.playbook.json`))).toBe(false);
    }
  });

  it('is never made from a name: "Con" becomes con-2, "AUX" aux-2', async () => {
    expect((await client().call('playbooks.create', { name: 'Con' })).playbook.id).toBe('con-2');
    expect((await client().call('playbooks.duplicate', { id: 'tiny', name: 'AUX' })).playbook.id).toBe('aux-2');
  });

  it('fails `switchboard validate`, naming the file and the id', async () => {
    const dir = tempDir();
    try {
      const file = path.join(dir, 'lpt1.playbook.json');
      fs.writeFileSync(file, JSON.stringify(chainPlaybook('lpt1', [{ id: 'start', type: 'trigger.manual@1' }])));
      const result = await cli(['validate', file], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stdout).toContain(`${file}`);
      expect(result.stdout).toContain('id "lpt1" is a Windows device name');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
