import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../engine/run/events.ts';
import type { NodeErrorInfo } from '../../../engine/errors.ts';
import { runEgressPolicy } from '../../../host/runs/egress-policy.ts';
import { chainPlaybook } from '../../support/chain-playbook.ts';
import { sendJson, startTestServer, type TestServer } from '../../support/http-server.ts';
import { useProtocolServer, writeShipped } from '../protocol/harness.ts';

describe('runEgressPolicy', () => {
  const twins = [{ url: 'http://127.0.0.1:41001' }, { url: 'http://127.0.0.1:41002' }];

  it("allows the workspace's entries, and the twins' host:port pairs in lab mode only", () => {
    expect(runEgressPolicy({ allow: ['10.0.0.0/8'], twins, labMode: true, ownPorts: [4242] })).toEqual({
      allow: ['10.0.0.0/8', '127.0.0.1:41001', '127.0.0.1:41002'],
      ownPorts: [4242],
    });
    expect(runEgressPolicy({ allow: ['10.0.0.0/8'], twins, labMode: false, ownPorts: [4242] })).toEqual({ allow: ['10.0.0.0/8'], ownPorts: [4242] });
    expect(runEgressPolicy({ allow: [], twins: [], labMode: true })).toEqual({ allow: [], ownPorts: [] });
  });
});

/** trigger → one core.http_get to `url`, no credential: what a shared playbook can do on its own. */
function probe(id: string, url: string) {
  return chainPlaybook(id, [
    { id: 'start', type: 'trigger.manual@1' },
    { id: 'get', type: 'core.http_get@1', params: { url } },
  ]);
}

describe('the egress policy through the real server', () => {
  let internal: TestServer;
  beforeAll(async () => {
    internal = await startTestServer((_req, res) => sendJson(res, 200, { secret: 'internal' }));
  });
  afterAll(() => internal.close());

  const { client, server } = useProtocolServer((dir) => ({ shipped: writeShipped(dir(), []), lab: true }));

  /** Saves a probe of `url` and runs it (a dry run unless told), returning its `get` node's end event. */
  async function runProbe(id: string, url: string, options: { lab?: boolean; dryRun?: boolean } = {}): Promise<{ status: string; error?: NodeErrorInfo }> {
    await client().call('playbooks.save', { playbook: probe(id, url) });
    const { runId } = await client().call('runs.start', { playbookId: id, dryRun: options.dryRun ?? true, lab: options.lab ?? false });
    await client().waitForEvent((event) => event.runId === runId && event.type === 'run.finished', 15_000);
    const end = client().events.find((e): e is Extract<RunEvent, { type: 'node.succeeded' | 'node.failed' }> => e.runId === runId && (e.type === 'node.succeeded' || e.type === 'node.failed') && e.nodeId === 'get');
    return end?.type === 'node.failed' ? { status: 'failed', error: end.error } : { status: end?.type === 'node.succeeded' ? 'succeeded' : 'missing' };
  }

  it('refuses a dry run that reaches a loopback service, the metadata address or the editor’s own port', async () => {
    expect(await runProbe('loopback', `${internal.url}/admin`)).toMatchObject({ status: 'failed', error: { code: 'EGRESS_DENIED', message: expect.stringMatching(/^destination 127\.0\.0\.1:\d+ is a loopback address/) } });
    expect(await runProbe('imds', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/')).toMatchObject({ status: 'failed', error: { code: 'EGRESS_DENIED', message: expect.stringContaining('is link-local') } });
    expect(await runProbe('self', `http://127.0.0.1:${server().port}/`)).toMatchObject({ status: 'failed', error: { code: 'EGRESS_DENIED' } });
    expect(internal.requests).toHaveLength(0);
  });

  it('reaches a LAN tool once the workspace allows it, and never the editor’s own port even then', async () => {
    const host = new URL(internal.url).host;
    expect(await client().call('settings.save', { egress: { allow: ['127.0.0.0/8'] } })).toEqual({ settings: { labMode: false, egress: { allow: ['127.0.0.0/8'] } } });
    try {
      expect(await runProbe('lan', `${internal.url}/siem`)).toEqual({ status: 'succeeded' });
      expect(internal.requests.map((r) => r.url)).toEqual(['/siem']);
      expect(await runProbe('self-allowed', `http://127.0.0.1:${server().port}/`)).toMatchObject({
        status: 'failed',
        error: { code: 'EGRESS_DENIED', message: `destination 127.0.0.1:${server().port} is Switchboard's own server; denied by the egress policy` },
      });
      await expect(client().call('settings.save', { egress: { allow: [host, 'http://siem.corp.local'] } })).rejects.toMatchObject({
        code: 'INVALID_PARAMS',
        message: 'egress.allow[1]: "http://siem.corp.local" is not an address, a CIDR range or a host name (optionally with :port)',
      });
    } finally {
      await client().call('settings.save', { egress: { allow: [] } });
    }
  });

  it('reaches exactly the twins in lab mode: a twin, but no other loopback service, and no twin outside lab mode', async () => {
    const twin = server().lab!.twins[0]!;
    const reached = await runProbe('twin-lab', `${twin.url}/egress-probe`, { lab: true });
    expect(reached.error?.code).not.toBe('EGRESS_DENIED');
    expect(twin.requests.filter((r) => r.path === '/egress-probe')).toHaveLength(1);
    expect(await runProbe('twin-outside', `${twin.url}/egress-probe`)).toMatchObject({ status: 'failed', error: { code: 'EGRESS_DENIED' } });
    expect(twin.requests.filter((r) => r.path === '/egress-probe')).toHaveLength(1);
    expect(await runProbe('loopback-lab', `${internal.url}/admin`, { lab: true })).toMatchObject({ status: 'failed', error: { code: 'EGRESS_DENIED' } });
    expect(internal.requests.filter((r) => r.url === '/admin')).toHaveLength(0);
  });
});
