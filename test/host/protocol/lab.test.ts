import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHIPPED_PLAYBOOKS } from '../../../host/cli/playbook-files.ts';
import type { RunEvent } from '../../../engine/run/events.ts';
import { labVendors } from '../../../host/lab/vendors.ts';
import { useProtocolServer } from './harness.ts';

const shippedIds = fs.existsSync(SHIPPED_PLAYBOOKS)
  ? fs
      .readdirSync(SHIPPED_PLAYBOOKS)
      .filter((name) => name.endsWith('.playbook.json'))
      .map((name) => name.slice(0, -'.playbook.json'.length))
      .sort()
  : [];
const labConnectors = new Set(labVendors.filter((v) => v.connector.credentials !== undefined).map((v) => v.connector.id));

const { client } = useProtocolServer((dir) => ({ shipped: SHIPPED_PLAYBOOKS, workspace: path.join(dir(), 'new-workspace'), lab: true }));

describe('a new workspace with the lab (serve --workspace <empty dir>)', () => {
  it('holds the shipped playbooks with every lab connector slot bound to its lab credential', async () => {
    const { playbooks } = await client().call('playbooks.list', {});
    expect(playbooks.map((p) => p.id)).toEqual(shippedIds);
    for (const playbook of playbooks) {
      for (const slot of playbook.slots) {
        if (labConnectors.has(slot.connector)) expect(slot.credentialId, `${playbook.id}.${slot.slot}`).toBe(`lab-${slot.connector.replace(/_/g, '-')}`);
      }
    }
    const info = await client().call('host.info', {});
    expect(info.lab.running).toBe(true);
    expect(info.lab.twins.length).toBe(labVendors.length);
  });

  it.each(shippedIds)('runs %s against the lab to a successful end, approving what asks, outside lab mode with each node on a seeded lab credential marked lab', async (id) => {
    const { runId } = await client().call('runs.start', { playbookId: id });
    const decided = new Set<string>();
    let finished: RunEvent | undefined;
    while (finished === undefined) {
      const next = await client().waitForEvent((e) => e.runId === runId && (e.type === 'run.finished' || (e.type === 'approval.requested' && !decided.has(e.nodeId))), 15_000);
      if (next.type === 'approval.requested') {
        decided.add(next.nodeId);
        expect(await client().call('runs.decide', { runId, nodeId: next.nodeId, decision: 'approved' })).toEqual({ ok: true });
      } else finished = next;
    }
    expect(finished, JSON.stringify(finished)).toMatchObject({ status: 'succeeded' });
    const [{ playbook }, { state }] = await Promise.all([client().call('playbooks.get', { id }), client().call('runs.get', { runId })]);
    expect(state.lab, 'not started in lab mode').toBeUndefined();
    // A trigger's slot (the SIEM webhook's secret) verifies deliveries; the run never calls with it.
    const called = playbook.nodes.filter((node) => node.credential !== undefined && !node.type.startsWith('trigger.') && ['succeeded', 'failed'].includes(state.nodes[node.id]?.status ?? 'idle'));
    expect(called.length).toBeGreaterThan(0);
    for (const node of called) expect(state.nodes[node.id]?.lab, `${node.id} ran on a seeded lab credential`).toBe(true);
    const secrets = labVendors.flatMap((v) => v.connector.secretFields.map((field) => v.credentials[field])).filter((s): s is string => typeof s === 'string' && s.length >= 4);
    for (const frame of client().frames) for (const secret of secrets) expect(frame).not.toContain(secret);
  });
});
