import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../../engine/run/events.ts';
import { chainPlaybook } from '../../../support/chain-playbook.ts';
import { connect, startTestServer, tempDir, writeShipped, type TestClient } from '../../protocol/harness.ts';
import type { RunningServer } from '../../../../host/server/server.ts';

/** A webhook-triggered playbook: the event's body flows into the next node. */
const HOOKED = chainPlaybook('hooked', [
  { id: 'hook', type: 'trigger.webhook@1', params: { path: 'alerts', verification: { type: 'none' } } },
  { id: 'shape', type: 'core.set@1', params: { values: { user: '{{ trigger.body.user }}' } } },
]);

let server: RunningServer;
let client: TestClient;
const dirs: string[] = [];

beforeAll(async () => {
  dirs.push(tempDir(), tempDir());
  server = await startTestServer({ shipped: writeShipped(dirs[0]!, [HOOKED]), workspace: dirs[1]!, hooks: { host: '127.0.0.1', port: 0, explicitPort: true } });
  client = await connect(server);
});

afterAll(async () => {
  await client.close();
  await server.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, body: unknown) =>
  fetch(`${server.hooksUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('switchboard serve runs the webhook listener beside the editor', () => {
  it('listens apart from the editor, and answers 404 for a playbook that is not enabled', async () => {
    expect(server.hooksUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hooks\/$/);
    expect(new URL(server.hooksUrl!).port).not.toBe(String(server.port));
    expect((await post('alerts', { user: 'alice' })).status).toBe(404);
  });

  it('starts the published revision of an enabled playbook for a posted event, once', async () => {
    await client.call('triggers.publish', { playbookId: 'hooked' });
    await client.call('triggers.enable', { playbookId: 'hooked' });
    const answer = await post('alerts', { user: 'alice' });
    expect(answer.status).toBe(202);
    const { eventId } = (await answer.json()) as { eventId: string };
    const finished = (await client.waitForEvent((e: RunEvent) => e.type === 'run.finished', 15_000)) as Extract<RunEvent, { type: 'run.finished' }>;
    expect(finished.status).toBe('succeeded');
    expect(finished.output).toEqual({ user: 'alice' });
    const { event } = await client.call('events.get', { eventId });
    expect(event).toMatchObject({ playbookId: 'hooked', source: 'webhook', runId: finished.runId });
  });

  it('stops answering for the playbook the moment it is disabled', async () => {
    await client.call('triggers.disable', { playbookId: 'hooked' });
    expect((await post('alerts', { user: 'bob' })).status).toBe(404);
  });
});
