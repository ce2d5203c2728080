import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../engine/run/events.ts';
import { SHIPPED_PLAYBOOKS } from '../../../host/cli/playbook-files.ts';
import { scenario } from '../../../lab/scenario.ts';
import type { OktaTwinState } from '../../../lab/twins/okta.ts';
import { TINY } from '../../support/chain-playbook.ts';
import { CallError, useProtocolServer, writeShipped, type TestClient } from './harness.ts';
import { labControl } from '../../support/lab-control.ts';

const shippedIds = fs
  .readdirSync(SHIPPED_PLAYBOOKS)
  .filter((name) => name.endsWith('.playbook.json'))
  .map((name) => name.slice(0, -'.playbook.json'.length))
  .sort();

/** Runs a playbook as the editor's Run button does, approving what asks; the run.finished event and how many approvals it asked. */
async function runToEnd(client: TestClient, playbookId: string): Promise<{ finished: RunEvent; approvals: number }> {
  const { runId } = await client.call('runs.start', { playbookId });
  const decided = new Set<string>();
  for (;;) {
    const next = await client.waitForEvent((e) => e.runId === runId && (e.type === 'run.finished' || (e.type === 'approval.requested' && !decided.has(e.nodeId))), 15_000);
    if (next.type !== 'approval.requested') return { finished: next, approvals: decided.size };
    decided.add(next.nodeId);
    await client.call('runs.decide', { runId, nodeId: next.nodeId, decision: 'approved' });
  }
}

describe('the editor on a host with the lab', () => {
  const { client, server } = useProtocolServer((dir) => ({ shipped: SHIPPED_PLAYBOOKS, workspace: path.join(dir(), 'new-workspace'), lab: true }));

  async function oktaStatusOf(login: string): Promise<string | undefined> {
    const okta = server().lab!.twins.find((t) => t.id === 'okta');
    const state = (await (await labControl(okta!, '/_lab/state')).json()) as OktaTwinState;
    return state.users.find((u) => u.profile.login === login)?.status;
  }

  it.each(shippedIds)('runs %s twice on the same lab: both runs succeed', async (id) => {
    const first = await runToEnd(client(), id);
    const second = await runToEnd(client(), id);

    expect(first.finished, JSON.stringify(first.finished)).toMatchObject({ status: 'succeeded' });
    expect(second.finished, JSON.stringify(second.finished)).toMatchObject({ status: 'succeeded' });
  });

  it('lab.reset puts every twin back at the starting state, so the next run contains again', async () => {
    await runToEnd(client(), 'suspicious-login');
    expect(await oktaStatusOf(scenario.login.user)).toBe('SUSPENDED');
    const before = await runToEnd(client(), 'phishing-response');
    expect(before.approvals, 'every copy was already quarantined: nothing to approve').toBe(0);

    const { lab } = await client().call('host.info', {});
    expect(await client().call('lab.reset', {})).toEqual({ twins: lab.twins.length });

    expect(await oktaStatusOf(scenario.login.user)).toBe('ACTIVE');
    const after = await runToEnd(client(), 'phishing-response');
    expect(after.finished).toMatchObject({ status: 'succeeded' });
    expect(after.approvals, 'the copies are back in the inboxes').toBe(1);
  });
});

describe('the editor on a host without a lab', () => {
  const { client } = useProtocolServer((dir) => ({ shipped: writeShipped(dir(), [TINY]) }));

  it('lab.reset says there is no lab to reset', async () => {
    const error = await client()
      .call('lab.reset', {})
      .then(() => undefined, (err: unknown) => err);

    expect(error).toBeInstanceOf(CallError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'no lab runs in this host, so there is none to reset' });
  });
});
