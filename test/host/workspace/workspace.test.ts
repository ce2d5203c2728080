import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../../../nodes/registry.ts';
import { HostError } from '../../../host/protocol/host-error.ts';
import { createFileAtomic, tempPathFor, writeFileAtomic } from '../../../host/workspace/atomic-file.ts';
import { playbookText, uniqueSlug } from '../../../host/workspace/playbook-text.ts';
import { openWorkspace, type Workspace } from '../../../host/workspace/workspace.ts';
import { useTempDir } from '../../support/temp-dir.ts';

const registry = createBuiltinRegistry();
const dir = useTempDir('switchboard-ws-');
let workspace: Workspace;

function tiny(id = 'tiny', extra: Record<string, unknown> = {}) {
  return {
    format: 'switchboard/playbook@1',
    id,
    name: 'Tiny',
    nodes: [
      { id: 'start', type: 'trigger.manual@1', name: 'Start', params: { sample: { ip: '10.0.0.1' } } },
      { id: 'first', type: 'core.set@1', name: 'First', params: { values: { ip: '{{ trigger.ip }}', b: 1, a: 2 } } },
    ],
    edges: [{ id: 'e1', from: 'start', port: 'out', to: 'first' }],
    ...extra,
  };
}

const fileOf = (id: string) => path.join(dir(), 'playbooks', `${id}.playbook.json`);

beforeEach(async () => {
  workspace = await openWorkspace(dir(), registry);
});

describe('atomic writes', () => {
  it('leaves the old file intact and loadable when a save dies before its rename', async () => {
    await workspace.savePlaybook(tiny());
    const before = fs.readFileSync(fileOf('tiny'), 'utf8');
    // What a process killed mid-save leaves: the new content in a temp file, never renamed.
    const temp = tempPathFor(fileOf('tiny'));
    fs.writeFileSync(temp, before.slice(0, before.length / 2));
    const reopened = await openWorkspace(dir(), registry);
    expect(fs.readFileSync(fileOf('tiny'), 'utf8')).toBe(before);
    const loaded = await reopened.readPlaybook('tiny');
    expect(loaded.playbook?.revision).toBe(1);
    expect(loaded.problems).toEqual([]);
    expect((await reopened.listPlaybooks()).map((p) => p.id)).toEqual(['tiny']);
  });

  it('replaces a file whole and leaves no temp file behind', async () => {
    const file = path.join(dir(), 'x.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two', 0o600);
    expect(fs.readFileSync(file, 'utf8')).toBe('two');
    expect(fs.readdirSync(dir()).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('creates a file once: a second creator never overwrites it', async () => {
    const file = path.join(dir(), 'key');
    const results = await Promise.all([createFileAtomic(file, 'first'), createFileAtomic(file, 'second')]);
    expect(results.sort()).toEqual([false, true]);
    expect(['first', 'second']).toContain(fs.readFileSync(file, 'utf8'));
    expect(fs.readdirSync(dir()).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('playbooks on disk', () => {
  it('writes pretty JSON in a stable key order, the same bytes for the same playbook', async () => {
    const { playbook } = await workspace.savePlaybook({ layout: { first: { y: 2, x: 1 }, start: { x: 0, y: 0 } }, ...tiny() });
    const text = fs.readFileSync(fileOf('tiny'), 'utf8');
    expect(text).toBe(playbookText(playbook));
    expect(Object.keys(JSON.parse(text))).toEqual(['format', 'id', 'name', 'description', 'revision', 'tags', 'vars', 'credentials', 'nodes', 'edges', 'layout', 'notes']);
    expect(text).toContain('"first": {\n      "x": 1,\n      "y": 2\n    }');
    expect(Object.keys(JSON.parse(text).nodes[1].params.values)).toEqual(['ip', 'b', 'a']);
    expect(text.endsWith('}\n')).toBe(true);
    const reordered = { ...playbook, layout: { start: { y: 0, x: 0 }, first: { x: 1, y: 2 } } };
    await workspace.savePlaybook(reordered);
    expect(fs.readFileSync(fileOf('tiny'), 'utf8')).toBe(text.replace('"revision": 1', '"revision": 2'));
  });

  it('bumps the revision on every save and refuses a stale expectedRevision', async () => {
    expect((await workspace.savePlaybook(tiny(), 0)).playbook.revision).toBe(1);
    expect((await workspace.savePlaybook(tiny(), 1)).playbook.revision).toBe(2);
    const stale = workspace.savePlaybook(tiny('tiny', { description: 'lost?' }), 1);
    await expect(stale).rejects.toBeInstanceOf(HostError);
    await expect(stale).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await workspace.readPlaybook('tiny')).playbook?.description).toBe('');
    await expect(workspace.savePlaybook(tiny('ghost'), 3)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('serialises concurrent saves: only one of two edits of the same revision wins', async () => {
    await workspace.savePlaybook(tiny());
    const results = await Promise.allSettled([workspace.savePlaybook(tiny('tiny', { description: 'a' }), 1), workspace.savePlaybook(tiny('tiny', { description: 'b' }), 1)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await workspace.readPlaybook('tiny')).revision).toBe(2);
  });

  it('keeps an invalid playbook (work is never lost) and returns its problems, on save and on load', async () => {
    const broken = tiny('broken', { nodes: [...tiny().nodes, { id: 'x', type: 'vendor.missing@1', name: 'X', params: {} }] });
    const saved = await workspace.savePlaybook(broken);
    expect(saved.problems.some((p) => p.severity === 'error' && p.nodeId === 'x')).toBe(true);
    const loaded = await workspace.readPlaybook('broken');
    expect(loaded.problems.map((p) => p.code)).toEqual(saved.problems.map((p) => p.code));
    await expect(workspace.runnablePlaybook('broken')).rejects.toMatchObject({ code: 'INVALID_PLAYBOOK', message: expect.stringContaining('vendor.missing@1') });
  });

  it('refuses what is not a playbook at all, writing nothing', async () => {
    await expect(workspace.savePlaybook({ ...tiny(), colour: 'red' })).rejects.toMatchObject({ code: 'INVALID_PLAYBOOK', message: expect.stringContaining('colour') });
    await expect(workspace.savePlaybook({ ...tiny(), id: '../../evil' })).rejects.toMatchObject({ code: 'INVALID_PLAYBOOK' });
    expect(fs.readdirSync(path.join(dir(), 'playbooks'))).toEqual([]);
  });

  it('lists a file too broken to load by its id, with its problems', async () => {
    fs.writeFileSync(fileOf('mangled'), '{ "format": "switchboard/playbook@1", "revision": 4, ');
    fs.writeFileSync(path.join(dir(), 'playbooks', 'notes.txt'), 'not a playbook');
    const [entry] = await workspace.listPlaybooks();
    expect(entry).toMatchObject({ id: 'mangled', revision: 0 });
    expect(entry?.playbook).toBeUndefined();
    expect(entry?.problems[0]?.severity).toBe('error');
    await expect(workspace.renamePlaybook('mangled', 'x')).rejects.toMatchObject({ code: 'INVALID_PLAYBOOK' });
  });

  it('takes the file name as the id when the file says otherwise', async () => {
    fs.writeFileSync(fileOf('copied'), JSON.stringify(tiny('original')));
    const loaded = await workspace.readPlaybook('copied');
    expect(loaded.playbook?.id).toBe('copied');
    expect(loaded.problems).toEqual([expect.objectContaining({ severity: 'warning', code: 'WORKSPACE_ID_MISMATCH' })]);
  });

  it('creates with a unique slug, renames keeping the id, duplicates with bindings, deletes with bindings', async () => {
    const a = await workspace.createPlaybook('Block IP — Ünïcode!');
    expect(a.id).toBe('block-ip-unicode');
    expect((await workspace.createPlaybook('Block IP — Ünïcode!')).id).toBe('block-ip-unicode-2');
    expect((await workspace.createPlaybook('!!!')).id).toBe('playbook');
    const renamed = await workspace.renamePlaybook(a.id, 'Something else');
    expect(renamed).toMatchObject({ id: 'block-ip-unicode', name: 'Something else', revision: 2 });
    await workspace.bind(a.id, 'vt', 'cred-1');
    const copy = await workspace.duplicatePlaybook(a.id, 'Copy');
    expect(copy).toMatchObject({ id: 'copy', name: 'Copy', revision: 1 });
    expect(workspace.bindings('copy')).toEqual({ vt: 'cred-1' });
    await workspace.deletePlaybook(a.id);
    expect(fs.existsSync(fileOf(a.id))).toBe(false);
    expect(workspace.bindings(a.id)).toEqual({});
    await expect(workspace.readPlaybook(a.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await workspace.unbindCredential('cred-1');
    expect(JSON.parse(fs.readFileSync(path.join(dir(), 'bindings.json'), 'utf8'))).toEqual({});
  });

  it('refuses ids that are not slugs before touching the disk', async () => {
    await expect(workspace.readPlaybook('../vault')).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
  });
});

describe('uniqueSlug', () => {
  it('makes short slugs and numbers collisions', () => {
    expect(uniqueSlug('Phishing triage (EU)', () => false)).toBe('phishing-triage-eu');
    expect(uniqueSlug('a'.repeat(100), () => false)).toHaveLength(60);
    const taken = new Set(['x', 'x-2']);
    expect(uniqueSlug('X', (id) => taken.has(id))).toBe('x-3');
  });
});
