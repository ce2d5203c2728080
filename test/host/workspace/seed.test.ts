import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHost } from '../../../host/host.ts';
import { environmentKeyProvider } from '../../../host/vault/key-provider.ts';
import { LAB_WEBHOOK_SECRET } from '../../../host/workspace/seed.ts';
import { labVendors } from '../../../host/lab/vendors.ts';
import { useTempDir } from '../../support/temp-dir.ts';

const KEY = { SWITCHBOARD_VAULT_KEY: Buffer.alloc(32, 7).toString('base64') };
const root = useTempDir('switchboard-seed-');

const shippedPlaybook = {
  format: 'switchboard/playbook@1',
  id: 'ip-check',
  name: 'IP check',
  credentials: { vt: { connector: 'virustotal' }, hook: { connector: 'http' } },
  nodes: [
    { id: 'start', type: 'trigger.manual@1', name: 'Start', params: { sample: { ip: '203.0.113.7' } } },
    { id: 'check', type: 'virustotal.url_report@1', name: 'Check', params: { url: 'https://example.com' }, credential: 'vt' },
  ],
  edges: [{ id: 'e1', from: 'start', port: 'out', to: 'check' }],
};

function writeShipped(): string {
  const dir = path.join(root(), 'shipped');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'ip-check.playbook.json'), `${JSON.stringify(shippedPlaybook, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'README.md'), 'not a playbook');
  return dir;
}

async function open(workspaceDir: string, shippedDir: string) {
  const host = await createHost({ workspaceDir, shippedDir, keyProvider: environmentKeyProvider(KEY) });
  await host.close();
  return host.context;
}

describe('seeding a new workspace', () => {
  it('copies the shipped playbooks and binds their lab connector slots to lab credentials', async () => {
    const shipped = writeShipped();
    const ctx = await open(path.join(root(), 'missing', 'workspace'), shipped);
    const copied = fs.readFileSync(path.join(ctx.workspace.playbooksDir, 'ip-check.playbook.json'), 'utf8');
    expect(copied).toBe(fs.readFileSync(path.join(shipped, 'ip-check.playbook.json'), 'utf8'));
    expect(ctx.workspace.bindings('ip-check')).toEqual({ vt: 'lab-virustotal' });
    const withCredentials = labVendors.filter((v) => v.connector.credentials !== undefined);
    expect(ctx.vault.list().map((c) => c.name).sort()).toEqual([...withCredentials.map((v) => `Lab ${v.connector.name}`), 'Lab webhook secret'].sort());
    expect(ctx.vault.get('lab-webhook')).toMatchObject({ connector: 'webhook', lab: true, values: { secret: LAB_WEBHOOK_SECRET } });
    expect(ctx.vault.get('lab-virustotal')).toMatchObject({ connector: 'virustotal', lab: true });
    expect(JSON.parse(fs.readFileSync(path.join(ctx.workspace.dir, 'settings.json'), 'utf8'))).toMatchObject({ format: 'switchboard/workspace@1' });
  });

  it('seeds lab credentials even when there are no shipped playbooks (or no folder)', async () => {
    const ctx = await open(path.join(root(), 'ws'), path.join(root(), 'no-such-folder'));
    expect(await ctx.workspace.listPlaybooks()).toEqual([]);
    expect(ctx.vault.get('lab-virustotal')).toBeDefined();
  });

  it('seeds a folder that only holds CLI run journals, but never seeds twice', async () => {
    const dir = path.join(root(), 'ws');
    fs.mkdirSync(path.join(dir, 'runs'), { recursive: true });
    const shipped = writeShipped();
    const first = await open(dir, shipped);
    expect((await first.workspace.listPlaybooks()).map((p) => p.id)).toEqual(['ip-check']);
    await first.workspace.deletePlaybook('ip-check');
    await first.vault.remove('lab-virustotal');
    const again = await open(dir, shipped);
    expect(await again.workspace.listPlaybooks()).toEqual([]);
    expect(again.vault.get('lab-virustotal')).toBeUndefined();
  });

  it('does not seed a folder someone already uses', async () => {
    const dir = path.join(root(), 'ws');
    fs.mkdirSync(path.join(dir, 'playbooks'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'playbooks', 'mine.playbook.json'), JSON.stringify({ ...shippedPlaybook, id: 'mine', credentials: {}, nodes: [shippedPlaybook.nodes[0]], edges: [] }));
    const ctx = await open(dir, writeShipped());
    expect((await ctx.workspace.listPlaybooks()).map((p) => p.id)).toEqual(['mine']);
    expect(ctx.vault.list()).toEqual([]);
  });
});
