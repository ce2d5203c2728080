import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../../../nodes/registry.ts';
import { liveTriggers, openPublishState } from '../../../host/triggers/publish-state.ts';
import { openWorkspace, type Workspace } from '../../../host/workspace/workspace.ts';
import { hookPlaybook } from '../../support/hook-playbook.ts';
import { useTempDir } from '../../support/temp-dir.ts';

const registry = createBuiltinRegistry();

describe('publish and enable', () => {
  const dir = useTempDir('publish-');
  let workspace: Workspace;
  beforeEach(async () => {
    workspace = await openWorkspace(dir(), registry);
    await workspace.savePlaybook(hookPlaybook('login'));
  });

  it('fires nothing until a playbook is enabled, then its published revision', async () => {
    const state = await openPublishState(workspace, registry);
    expect(liveTriggers(state.states(), state.publishedPlaybooks(), registry)).toEqual([]);
    expect(await state.enable('login')).toEqual({ enabled: true, publishedRevision: 1 });
    expect(liveTriggers(state.states(), state.publishedPlaybooks(), registry)).toEqual([
      { playbookId: 'login', revision: 1, triggerNodeId: 'hook', type: 'trigger.webhook@1', params: { path: 'login', verification: { type: 'none' } } },
    ]);
  });

  it('keeps firing the published revision while the draft is edited, until publish', async () => {
    const state = await openPublishState(workspace, registry);
    await state.enable('login');
    await workspace.savePlaybook(hookPlaybook('login', 'renamed'), 1);
    expect(liveTriggers(state.states(), state.publishedPlaybooks(), registry)[0]).toMatchObject({ revision: 1, params: { path: 'login' } });
    expect(await state.publish('login')).toEqual({ enabled: true, publishedRevision: 2 });
    expect(liveTriggers(state.states(), state.publishedPlaybooks(), registry)[0]).toMatchObject({ revision: 2, params: { path: 'renamed' } });
    expect(JSON.parse(fs.readFileSync(path.join(dir(), 'published', 'login.playbook.json'), 'utf8'))).toMatchObject({ revision: 2 });
    expect((await state.publishedAt('login', 1))?.playbook.nodes[0]?.params).toMatchObject({ path: 'login' });
    expect(await state.publishedAt('login', 3)).toBeUndefined();
  });

  it('stops the triggers on disable and on remove, and remembers the state across a reopen', async () => {
    const state = await openPublishState(workspace, registry);
    await state.enable('login');
    await state.disable('login');
    expect(liveTriggers(state.states(), state.publishedPlaybooks(), registry)).toEqual([]);
    await state.enable('login');
    const reopened = await openPublishState(workspace, registry);
    expect(reopened.states()).toEqual({ login: { enabled: true, publishedRevision: 1 } });
    expect(liveTriggers(reopened.states(), reopened.publishedPlaybooks(), registry)).toHaveLength(1);
    await reopened.remove('login');
    expect(reopened.states()).toEqual({});
    expect(fs.existsSync(path.join(dir(), 'published', 'login.playbook.json'))).toBe(false);
    expect(await reopened.publishedAt('login', 1)).toBeUndefined();
  });

  it('picks up a change another process made to triggers.json, and never overwrites it with a stale copy', async () => {
    const host = await openPublishState(workspace, registry);
    const cli = await openPublishState(workspace, registry);
    await cli.enable('login');
    expect(await host.reload()).toBe(true);
    expect(liveTriggers(host.states(), host.publishedPlaybooks(), registry)).toHaveLength(1);
    expect(await host.reload()).toBe(false);
    await cli.disable('login');
    await host.publish('login');
    expect(host.states()).toEqual({ login: { enabled: false, publishedRevision: 1 } });
  });

  it('refuses to publish a playbook with errors or one that does not exist, naming it', async () => {
    const state = await openPublishState(workspace, registry);
    await expect(state.enable('nope')).rejects.toThrow('no playbook nope in this workspace');
    const broken = hookPlaybook('broken');
    broken.edges = [{ id: 'e1', from: 'hook', port: 'out', to: 'missing' }];
    await workspace.savePlaybook(broken);
    await expect(state.publish('broken')).rejects.toThrow(/^playbook broken has 1 error/);
  });

  it('does not write through a link planted as the published folder', async () => {
    const outside = fs.mkdtempSync(path.join(path.dirname(dir()), 'outside-'));
    fs.symlinkSync(outside, path.join(dir(), 'published'));
    const state = await openPublishState(workspace, registry);
    await expect(state.publish('login')).rejects.toThrow(/link/i);
    expect(fs.readdirSync(outside)).toEqual([]);
    fs.rmSync(outside, { recursive: true });
  });

  it('reads a malformed triggers.json as one line naming the field', async () => {
    fs.writeFileSync(path.join(dir(), 'triggers.json'), JSON.stringify({ playbooks: { login: { enabled: 'yes' } } }));
    await expect(openPublishState(workspace, registry)).rejects.toThrow(/triggers\.json: playbooks\.login\.enabled must be true or false$/);
  });
});
