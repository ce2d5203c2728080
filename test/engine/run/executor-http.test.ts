import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { startRun } from '../../../engine/run/executor.ts';
import { destroyAgents } from '../../../nodes/sdk/http-agents.ts';
import { createBuiltinRegistry } from '../../../nodes/registry.ts';
import { egressTo, startTestServer, type TestServer } from '../../support/http-server.ts';
import { playbook } from '../../support/test-nodes.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => destroyAgents());

/** A server that never answers and tells when the client gives up on a request. */
async function hangingServer(): Promise<{ url: string; received: Promise<void>; dropped: Promise<void> }> {
  let onReceived!: () => void;
  let onDropped!: () => void;
  const received = new Promise<void>((resolve) => (onReceived = resolve));
  const dropped = new Promise<void>((resolve) => (onDropped = resolve));
  server = await startTestServer((_req, res, raw: IncomingMessage) => {
    raw.socket.once('close', onDropped);
    res.on('close', onDropped);
    onReceived();
  });
  return { url: server.url, received, dropped };
}

const httpPlaybook = (url: string, node: Record<string, unknown> = {}) =>
  playbook([{ id: 't', type: 'trigger.manual@1' }, { id: 'call', type: 'core.http@1', params: { method: 'GET', url }, ...node }], ['t->call']);

describe('executor: in-flight HTTP calls', () => {
  it('a stop aborts the request on the wire and the node ends cancelled', async () => {
    const s = await hangingServer();
    const handle = startRun({ playbook: httpPlaybook(`${s.url}/slow`), registry: createBuiltinRegistry(), egress: egressTo(s) });
    await s.received;
    handle.debug.stop('analyst stopped it');
    await s.dropped;
    const state = await handle.done;
    expect(state.status).toBe('cancelled');
    expect(state.nodes.call).toMatchObject({ status: 'failed', error: { code: 'CANCELLED' } });
  });

  it("a node's timeout aborts the request on the wire and fails the node with TIMEOUT", async () => {
    const s = await hangingServer();
    const pb = httpPlaybook(`${s.url}/slow`, { timeoutMs: 200, retry: { maxAttempts: 1 } });
    const handle = startRun({ playbook: pb, registry: createBuiltinRegistry(), egress: egressTo(s) });
    await s.dropped;
    const state = await handle.done;
    expect(state.status).toBe('failed');
    expect(state.nodes.call).toMatchObject({ status: 'failed', error: { code: 'TIMEOUT' } });
  });
});
