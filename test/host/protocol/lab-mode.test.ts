import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../engine/run/events.ts';
import { EDR_CHECK, useProtocolServer, writeShipped } from './harness.ts';

const { client, workspace } = useProtocolServer((dir) => ({ shipped: writeShipped(dir(), [EDR_CHECK]), workspace: path.join(dir(), 'seeded'), lab: true }));

/** Starts edr-check and waits for its end; returns its events, in order. */
async function runToEnd(lab: boolean): Promise<RunEvent[]> {
  const { runId } = await client().call('runs.start', { playbookId: 'edr-check', lab });
  await client().waitForEvent((event) => event.runId === runId && event.type === 'run.finished', 15_000);
  return client().events.filter((event) => event.runId === runId);
}

const started = (events: RunEvent[], nodeId: string) => events.find((e) => e.type === 'node.started' && e.nodeId === nodeId);

describe('lab mode through the host', () => {
  it('shows the seeded lab credentials as lab, named "Lab …", and binds the seeded playbook to them', async () => {
    const { credentials } = await client().call('credentials.list', {});
    expect(credentials.find((c) => c.id === 'lab-crowdstrike')).toMatchObject({ name: 'Lab CrowdStrike Falcon', lab: true });
    expect(credentials.filter((c) => c.lab === true).every((c) => c.name.startsWith('Lab '))).toBe(true);
    const { slots } = await client().call('playbooks.get', { id: 'edr-check' });
    expect(slots).toEqual([{ slot: 'edr', connector: 'crowdstrike', credentialId: 'lab-crowdstrike' }]);
  });

  it('runs a slot bound to a lab credential on the twin outside lab mode, and marks each node that called it', async () => {
    const events = await runToEnd(false);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'succeeded' });
    expect(events[0]).toMatchObject({ type: 'run.started' });
    expect(events[0]).not.toHaveProperty('lab');
    expect(started(events, 'find_host')).toMatchObject({ lab: true });
    expect(started(events, 'host_details')).toMatchObject({ lab: true });
    const { state } = await client().call('runs.get', { runId: events[0]!.runId });
    expect(state.lab).toBeUndefined();
    expect(state.nodes.host_details?.lab).toBe(true);
    const { runs } = await client().call('runs.list', { playbookId: 'edr-check' });
    expect(runs.find((r) => r.runId === events[0]!.runId)).toMatchObject({ labNodes: ['find_host', 'host_details'] });
  });

  it('refuses to start a run outside lab mode when a slot its nodes use is not bound, naming the slot and the nodes', async () => {
    await client().call('playbooks.bind', { playbookId: 'edr-check', slot: 'edr', credentialId: null });
    const before = client().events.length;
    await expect(client().call('runs.start', { playbookId: 'edr-check' })).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
      message: 'credential slot "edr" (crowdstrike) is not bound; used by nodes find_host, host_details — bind it or run in lab mode',
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client().events.length).toBe(before);
  });

  it('runs unbound slots on the lab in lab mode, and records the run as a lab run', async () => {
    const events = await runToEnd(true);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'succeeded' });
    expect(events[0]).toMatchObject({ type: 'run.started', lab: true });
    expect(started(events, 'host_details')).toMatchObject({ lab: true });
    const runId = events[0]!.runId;
    const { state } = await client().call('runs.get', { runId });
    expect(state).toMatchObject({ lab: true, nodes: { find_host: { lab: true }, host_details: { lab: true, status: 'succeeded' } } });
    const { runs } = await client().call('runs.list', { playbookId: 'edr-check' });
    expect(runs.find((r) => r.runId === runId)).toMatchObject({ lab: true });
  });

  it('remembers the editor’s lab mode in the workspace settings, keeping the file’s other fields', async () => {
    expect(await client().call('settings.get', {})).toEqual({ settings: { labMode: false } });
    expect(await client().call('settings.save', { labMode: true })).toEqual({ settings: { labMode: true } });
    expect(await client().call('settings.get', {})).toEqual({ settings: { labMode: true } });
    const file = JSON.parse(fs.readFileSync(path.join(workspace(), 'settings.json'), 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({ format: 'switchboard/workspace@1', labMode: true });
    await expect(client().call('settings.save', { labMode: 'yes' } as never)).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringContaining('labMode') });
  });
});
