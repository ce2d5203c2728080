import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openInboxStore } from '../../../host/triggers/inbox-store.ts';
import { openWorkspace } from '../../../host/workspace/workspace.ts';
import { createBuiltinRegistry } from '../../../nodes/registry.ts';
import { hookPlaybook } from '../../support/hook-playbook.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { cli } from './harness.ts';

const registry = createBuiltinRegistry();
const dir = useTempDir('switchboard-cli-triggers-');

describe('switchboard enable | disable | publish | triggers | events | replay', () => {
  let ws: string;
  const run = (...argv: string[]) => cli([...argv, '--workspace', ws], { cwd: dir() });
  beforeEach(async () => {
    ws = path.join(dir(), 'ws');
    const workspace = await openWorkspace(ws, registry);
    await workspace.savePlaybook(hookPlaybook('login'));
  });

  it('enables a playbook at its published revision, shows a draft after an edit, and publishes it', async () => {
    expect(await run('enable', 'login')).toEqual({ code: 0, stdout: 'login: enabled, published revision 1\n', stderr: '' });
    const workspace = await openWorkspace(ws, registry);
    await workspace.savePlaybook(hookPlaybook('login', 'renamed'), 1);
    const listed = await run('triggers');
    expect(listed.stdout).toMatch(/^PLAYBOOK\s+STATE\s+PUBLISHED\s+TRIGGER\s+TYPE\s+LISTENS\n/);
    expect(listed.stdout).toMatch(/login\s+enabled\s+r1 \(\+draft\)\s+hook\s+trigger\.webhook@1\s+POST \/hooks\/login/);
    expect((await run('publish', 'login')).stdout).toBe('login: enabled, published revision 2\n');
    const json = JSON.parse((await run('triggers', '--json')).stdout) as unknown;
    expect(json).toEqual([
      { playbookId: 'login', enabled: true, publishedRevision: 2, savedRevision: 2, draft: false, triggers: [{ nodeId: 'hook', type: 'trigger.webhook@1', describe: 'POST /hooks/renamed' }] },
    ]);
    expect((await run('disable', 'login')).stdout).toBe('login: disabled, published revision 2\n');
  });

  it('refuses in one line: an unknown playbook, a missing workspace, a bad status, a stray argument', async () => {
    expect(await run('enable', 'nope')).toEqual({ code: 2, stdout: '', stderr: 'switchboard: enable: no playbook nope in this workspace\n' });
    expect((await cli(['events', '--workspace', path.join(dir(), 'missing')], { cwd: dir() })).stderr).toBe(`switchboard: events: no workspace at ${path.join(dir(), 'missing')} (see --workspace)\n`);
    expect((await run('events', '--status', 'lost')).stderr).toMatch(/^switchboard: events: --status must be one of accepted, .*, not "lost"\n$/);
    expect((await run('publish', 'login', 'extra')).stderr).toBe('switchboard: publish: give exactly one playbook id (see switchboard help publish)\n');
    expect((await run('replay', 'evt-none')).stderr).toBe('switchboard: replay: no event evt-none in the inbox (see switchboard events)\n');
  });

  it('lists the inbox newest first with filters, and records a replay of an event', async () => {
    const inbox = await openInboxStore(ws);
    const input = { playbookId: 'login', revision: 1, triggerNodeId: 'hook', source: 'webhook' as const, receivedAt: Date.UTC(2026, 0, 2, 3, 4, 5) };
    const first = (await inbox.accept({ ...input, dedupeKey: 'd1', payload: { body: { n: 1 } } })).event;
    const dup = (await inbox.accept({ ...input, dedupeKey: 'd1', payload: { body: { n: 1 } } })).event;
    await inbox.close();
    const table = (await run('events')).stdout.split('\n');
    expect(table[0]).toMatch(/^EVENT\s+PLAYBOOK\s+SOURCE\s+STATUS\s+RECEIVED\s+RUN\s+DUPS/);
    expect(table[1]).toMatch(new RegExp(`^${dup.id}\\s+login\\s+webhook\\s+duplicate\\s+.*\\(duplicate of ${first.id}\\)\\s+0`));
    expect(table[2]).toMatch(new RegExp(`^${first.id}\\s+login\\s+webhook\\s+accepted\\s+.*-\\s+1`));
    const onlyDup = JSON.parse((await run('events', '--json', '--status', 'duplicate')).stdout) as { id: string }[];
    expect(onlyDup.map((e) => e.id)).toEqual([dup.id]);
    const replay = await run('replay', first.id);
    expect(replay.stdout).toMatch(new RegExp(`^evt-\\d{13}-[0-9a-f]+: replay of ${first.id} recorded; it runs when the host starts`));
    const replayed = JSON.parse((await run('events', '--json', '--limit', '1')).stdout) as { replayOf: string; source: string; payload: unknown }[];
    expect(replayed).toMatchObject([{ replayOf: first.id, source: 'replay', payload: { body: { n: 1 } } }]);
  });

  it('refuses a replay while a host holds the inbox, naming it, and reads the inbox beside it', async () => {
    const held = await openInboxStore(ws);
    const { event } = await held.accept({ playbookId: 'login', revision: 1, triggerNodeId: 'hook', source: 'webhook', receivedAt: 0, payload: {} });
    fs.writeFileSync(path.join(ws, 'inbox', 'inbox.lock'), `${process.ppid}\n`);
    expect((await run('replay', event.id)).stderr).toMatch(/^switchboard: replay: the event inbox in .* is in use by process \d+; replay from its editor \(Events\), or stop it first\n$/);
    expect((await run('events')).stdout).toContain(event.id);
    await held.close();
  });

  it('explains each command with --help', async () => {
    for (const command of ['enable', 'disable', 'publish', 'triggers', 'events', 'replay']) {
      const help = await cli([command, '--help'], { cwd: dir() });
      expect(help.stdout).toMatch(new RegExp(`^Usage: switchboard ${command} `));
    }
  });
});
