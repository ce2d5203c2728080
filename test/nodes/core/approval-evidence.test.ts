import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../engine/ports.ts';
import { startRun } from '../../../engine/run/executor.ts';
import type { RunEvent } from '../../../engine/run/events.ts';
import { evaluateEvidence } from '../../../nodes/core/approval.ts';
import { createBuiltinRegistry } from '../../../nodes/registry.ts';
import { destroyAgents } from '../../../nodes/sdk/http-agents.ts';
import { fakeContext } from '../../support/fake-context.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { egressTo, sendJson, startTestServer, type TestServer } from '../../support/http-server.ts';
import { playbook } from '../../support/test-nodes.ts';

const registry = createBuiltinRegistry();

/** A manual trigger, a check whose output the evidence reads, and an approval showing it. */
function evidencePlaybook(evidence: Array<{ label: string; value: unknown }>) {
  return playbook(
    [
      { id: 'start', type: 'trigger.manual@1' },
      { id: 'check_ip', type: 'core.set@1', params: { values: { abuseConfidenceScore: 87, countryCode: 'NL' } } },
      { id: 'ask', type: 'core.approval@1', params: { prompt: 'Block {{ trigger.ip }}?', evidence } },
    ],
    ['start->check_ip', 'check_ip->ask'],
  );
}

/** Runs the playbook, answering the approval as `by` with `comment`; returns every event. */
async function runAnswering(evidence: Array<{ label: string; value: unknown }>, by: string, comment?: string): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  const handle = startRun({
    playbook: evidencePlaybook(evidence),
    registry,
    clock: new FakeClock(),
    trigger: { ip: '203.0.113.7', host: 'ws-042' },
    onEvent: (event) => {
      events.push(event);
      if (event.type === 'approval.requested') queueMicrotask(() => handle.debug.decide('ask', 'approved', by, comment));
    },
  });
  await handle.done;
  return events;
}

describe('approval evidence', () => {
  it('shows each upstream value under its label in the approval request', async () => {
    const events = await runAnswering(
      [
        { label: 'IP', value: '{{ trigger.ip }}' },
        { label: 'AbuseIPDB score', value: '{{ nodes.check_ip.output.abuseConfidenceScore }}' },
        { label: 'Where', value: 'host {{ trigger.host }} ({{ nodes.check_ip.output.countryCode }})' },
        { label: 'Whole output', value: '{{ nodes.check_ip.output }}' },
      ],
      'Dana',
    );
    const request = events.find((event) => event.type === 'approval.requested');
    expect(request).toMatchObject({
      evidence: [
        { label: 'IP', value: '203.0.113.7' },
        { label: 'AbuseIPDB score', value: '87' },
        { label: 'Where', value: 'host ws-042 (NL)' },
        { label: 'Whole output', value: '{"abuseConfidenceScore":87,"countryCode":"NL"}' },
      ],
    });
  });

  it('reports a failing expression in its row, and still asks the person', async () => {
    const events = await runAnswering([{ label: 'Score + 1', value: "{{ nodes.check_ip.output.countryCode + 1 }}" }], 'Dana');
    const request = events.find((event) => event.type === 'approval.requested');
    expect(request?.type === 'approval.requested' && request.evidence).toEqual([{ label: 'Score + 1', error: expect.stringMatching(/\+.*number/) }]);
    expect(events.find((event) => event.type === 'approval.decided')).toMatchObject({ decision: 'approved' });
  });

  it('records who decided and their comment with the decision, in the event and the run state', async () => {
    const events: RunEvent[] = [];
    const handle = startRun({
      playbook: evidencePlaybook([{ label: 'IP', value: '{{ trigger.ip }}' }]),
      registry,
      clock: new FakeClock(),
      trigger: { ip: '203.0.113.7' },
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'approval.requested') queueMicrotask(() => handle.debug.decide('ask', 'rejected', 'Dana Scully', 'Known scanner, leave it'));
      },
    });
    const state = await handle.done;
    expect(events.find((event) => event.type === 'approval.decided')).toMatchObject({ nodeId: 'ask', decision: 'rejected', by: 'Dana Scully', comment: 'Known scanner, leave it' });
    expect(state.approvals['ask']).toEqual({
      prompt: 'Block 203.0.113.7?',
      expiresAt: expect.any(Number),
      evidence: [{ label: 'IP', value: '203.0.113.7' }],
      decision: 'rejected',
      by: 'Dana Scully',
      comment: 'Known scanner, leave it',
    });
  });

  it('leaves the evidence out of a request that names none, as journals before evidence had it', async () => {
    const events = await runAnswering([], 'Dana');
    const request = events.find((event) => event.type === 'approval.requested');
    expect(request).toBeDefined();
    expect(request && 'evidence' in request).toBe(false);
  });

  it('cuts a huge value short and shows an absent one as (none)', async () => {
    const long = 'x'.repeat(2_000);
    const { ctx } = fakeContext({ evaluate: (template) => Promise.resolve(template === 'long' ? long : undefined) });
    const items = await evaluateEvidence(ctx, [
      { label: 'Long', value: 'long' },
      { label: 'Missing', value: 'missing' },
    ]);
    expect(items[0]).toEqual({ label: 'Long', value: `${'x'.repeat(499)}…` });
    expect(items[1]).toEqual({ label: 'Missing', value: '(none)' });
  });
});

describe('approval evidence and secrets', () => {
  const CANARY = 'tok-canary-5d1e9f0a77';
  let server: TestServer;
  beforeAll(async () => {
    // A vendor that echoes the request's headers back, credential included.
    server = await startTestServer((request, res) => sendJson(res, 200, { headers: request.headers }));
  });
  afterAll(async () => {
    await server.close();
    destroyAgents();
  });

  it('redacts a secret an upstream output echoed, as in every other event', async () => {
    const pb = {
      ...playbook(
        [
          { id: 'start', type: 'trigger.manual@1' },
          { id: 'call', type: 'core.http_get@1', credential: 'api', params: { url: `${server.url}/whoami`, auth: 'bearer' } },
          { id: 'ask', type: 'core.approval@1', params: { prompt: 'Go on?', evidence: [{ label: 'Sent as', value: '{{ nodes.call.output.body.headers.authorization }}' }] } },
        ],
        ['start->call', 'call->ask'],
      ),
      credentials: { api: { connector: 'http' } },
    };
    const credentials = { resolve: async () => ({ values: { baseUrl: server.url, token: CANARY }, secrets: [CANARY] }) };
    const events: RunEvent[] = [];
    const handle = startRun({
      playbook: pb,
      registry,
      clock: systemClock,
      egress: egressTo(server),
      credentials,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'approval.requested') queueMicrotask(() => handle.debug.decide('ask', 'rejected', 'Dana'));
      },
    });
    await handle.done;
    expect(server.requests[0]?.headers['authorization']).toBe(`Bearer ${CANARY}`);
    const request = events.find((event) => event.type === 'approval.requested');
    expect(request?.type === 'approval.requested' && request.evidence?.[0]).toEqual({ label: 'Sent as', value: expect.stringContaining('[REDACTED]') });
    expect(JSON.stringify(events)).not.toContain(CANARY);
  });
});
