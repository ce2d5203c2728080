import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../../host/server/server.ts';
import { chainPlaybook } from '../../../support/chain-playbook.ts';
import { CallError, connect, startTestServer, tempDir, writeShipped, type TestClient } from '../../protocol/harness.ts';

/** Two playbooks whose webhook triggers claim the same path. */
const hooked = (id: string, path: string) =>
  chainPlaybook(id, [
    { id: 'hook', type: 'trigger.webhook@1', params: { path, verification: { type: 'none' } } },
    { id: 'note', type: 'core.set@1', params: { values: { got: '{{ trigger.body }}' } } },
  ]);

let server: RunningServer;
let client: TestClient;
const dirs: string[] = [];

beforeAll(async () => {
  dirs.push(tempDir(), tempDir());
  server = await startTestServer({ shipped: writeShipped(dirs[0]!, [hooked('first', 'alerts'), hooked('second', 'alerts')]), workspace: dirs[1]!, hooks: { host: '127.0.0.1', port: 0, explicitPort: true } });
  client = await connect(server);
});

afterAll(async () => {
  await client.close();
  await server.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('one webhook path, one playbook', () => {
  it('lets the first playbook take the path, and names it on the second as a problem before anything is published', async () => {
    await client.call('triggers.enable', { playbookId: 'first' });
    const { problems } = await client.call('playbooks.get', { id: 'second' });
    expect(problems).toContainEqual(
      expect.objectContaining({ code: 'WEBHOOK_PATH_TAKEN', nodeId: 'hook', path: 'nodes[0].params.path', message: 'webhook path "alerts" is already used by playbook first (node hook); choose another path' }),
    );
    const { playbook } = await client.call('playbooks.get', { id: 'second' });
    expect((await client.call('playbooks.validate', { playbook })).problems.map((p) => p.code)).toContain('WEBHOOK_PATH_TAKEN');
  });

  it('refuses to enable or publish the second one, so the live path never changes hands', async () => {
    for (const method of ['triggers.enable', 'triggers.publish'] as const) {
      const refused = await client.call(method, { playbookId: 'second' }).then(() => undefined, (err: unknown) => err);
      expect(refused).toBeInstanceOf(CallError);
      expect(refused).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('webhook path "alerts" is already used by playbook first') });
    }
    expect((await fetch(`${server.hooksUrl}alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(202);
  });

  it('frees the path once the first playbook is disabled', async () => {
    await client.call('triggers.disable', { playbookId: 'first' });
    expect((await client.call('playbooks.get', { id: 'second' })).problems.map((p) => p.code)).not.toContain('WEBHOOK_PATH_TAKEN');
    await expect(client.call('triggers.enable', { playbookId: 'second' })).resolves.toMatchObject({ enabled: true });
  });
});
