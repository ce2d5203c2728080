import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../../engine/run/events.ts';
import type { RunningServer } from '../../../../host/server/server.ts';
import type { InboxEvent } from '../../../../host/triggers/contract.ts';
import { LAB_WEBHOOK_SECRET } from '../../../../host/workspace/seed.ts';
import { connect, startTestServer, tempDir, type TestClient } from '../../protocol/harness.ts';

/**
 * The first "Done when" of issue 12, through a real `switchboard serve`-like server on a new
 * workspace seeded from the shipped playbooks, with the lab on: a SIEM alert signed by README's
 * `curl` recipe (its openssl lines, run by bash) starts Suspicious login, which succeeds on the
 * lab; the same delivery again is a duplicate; a bad signature is refused.
 */

const SHIPPED = fileURLToPath(new URL('../../../../playbooks/', import.meta.url));

/** README's recipe, line for line: the key from the whsec_ secret, then the v1 signature of "$ID.$TS.$BODY". */
const README_SIGNING = `
KEY="$(printf '%s' "\${SECRET#whsec_}" | base64 -d | od -An -tx1 | tr -d ' \\n')"
SIG="$(printf '%s' "$ID.$TS.$BODY" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$KEY" -binary | base64)"
printf '%s' "$SIG"
`;

function signLikeReadme(secret: string, id: string, ts: string, body: string): string {
  return execFileSync('bash', ['-c', README_SIGNING], { env: { PATH: process.env.PATH, SECRET: secret, ID: id, TS: ts, BODY: body }, encoding: 'utf8' });
}

/** The notable the shipped playbook's sample carries: alice signing in from a Tor exit node. */
function notable(): Record<string, unknown> {
  const playbook = JSON.parse(fs.readFileSync(`${SHIPPED}/suspicious-login.playbook.json`, 'utf8')) as { nodes: Array<{ id: string; params: { sample: { body: Record<string, unknown> } } }> };
  return playbook.nodes.find((node) => node.id === 'alert')!.params.sample.body;
}

let server: RunningServer;
let client: TestClient;
const dirs: string[] = [];

beforeAll(async () => {
  dirs.push(tempDir());
  server = await startTestServer({ shipped: SHIPPED, workspace: dirs[0]!, lab: true, hooks: { host: '127.0.0.1', port: 0, explicitPort: true } });
  client = await connect(server);
  await client.call('settings.save', { labMode: true });
  await client.call('triggers.enable', { playbookId: 'suspicious-login' });
});

afterAll(async () => {
  await client.close();
  await server.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function listEvents(): Promise<InboxEvent[]> {
  return ((await client.call('events.list', { filter: { playbookId: 'suspicious-login' } })) as { events: InboxEvent[] }).events;
}

/** The event once its run's end is recorded (just after the run's last frame). */
async function eventuallyDone(eventId: string): Promise<InboxEvent> {
  for (let i = 0; i < 100; i++) {
    const { event } = (await client.call('events.get', { eventId })) as { event: InboxEvent };
    if (event.status === 'done' || event.status === 'failed') return event;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`event ${eventId} never ended`);
}

const post = (body: string, headers: Record<string, string>) =>
  fetch(`${server.hooksUrl}suspicious-login`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('a signed SIEM alert starts Suspicious login on the lab', () => {
  const id = `msg_${Date.now()}000000`;
  const ts = String(Math.floor(Date.now() / 1000));
  const body = JSON.stringify(notable());
  const signed = () => ({ 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${signLikeReadme(LAB_WEBHOOK_SECRET, id, ts, body)}` });
  let firstEventId = '';
  let firstRunId = '';

  it('accepts the alert signed by the README recipe with the seeded lab secret, and the run succeeds on the lab', async () => {
    const answer = await post(body, signed());
    expect(answer.status).toBe(202);
    const accepted = (await answer.json()) as { eventId: string; status: string };
    expect(accepted.status).toBe('accepted');
    firstEventId = accepted.eventId;
    const finished = (await client.waitForEvent((e: RunEvent) => e.type === 'run.finished', 30_000)) as Extract<RunEvent, { type: 'run.finished' }>;
    expect(finished.status).toBe('succeeded');
    firstRunId = finished.runId;
    const event = await eventuallyDone(firstEventId);
    expect(event).toMatchObject({ playbookId: 'suspicious-login', triggerNodeId: 'alert', source: 'webhook', dedupeKey: id, runId: finished.runId, status: 'done' });
    const { state } = (await client.call('runs.get', { runId: finished.runId })) as { state: { nodes: Record<string, { status: string }> } };
    expect(state.nodes['block_ip']?.status, 'a Tor exit node with detections on the host is blocked').toBe('succeeded');
  });

  it('answers the same delivery id again as a duplicate, linked to the first event and its run, and starts no second run', async () => {
    const answer = await post(body, signed());
    expect(answer.status).toBe(202);
    const duplicate = (await answer.json()) as { eventId: string; status: string };
    expect(duplicate.status).toBe('duplicate');
    const events = await listEvents();
    const duplicates = events.filter((event) => event.status === 'duplicate');
    expect(duplicates).toHaveLength(1);
    expect(duplicates[0], 'linked to the first event and its run').toMatchObject({ duplicateOf: firstEventId, dedupeKey: id, runId: firstRunId });
    expect(events.find((event) => event.id === firstEventId)?.duplicates).toBe(1);
    const { runs } = (await client.call('runs.list', { playbookId: 'suspicious-login' })) as { runs: unknown[] };
    expect(runs).toHaveLength(1);
  });

  it('refuses a bad signature with 401 and records nothing', async () => {
    const changed = JSON.stringify({ ...notable(), src: '203.0.113.99' });
    const answer = await post(changed, { ...signed(), 'webhook-id': `${id}-2` });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({ error: 'unauthorized' });
    expect(await listEvents()).toHaveLength(2);
  });
});
