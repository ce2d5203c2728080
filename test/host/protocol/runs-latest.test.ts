import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../engine/run/events.ts';
import { TINY } from '../../support/chain-playbook.ts';
import { APPROVAL, useProtocolServer, writeShipped } from './harness.ts';

const finishedOf = (runId: string) => (event: RunEvent) => event.runId === runId && event.type === 'run.finished';

const { client } = useProtocolServer((dir) => ({ shipped: writeShipped(dir(), [TINY, APPROVAL]), workspace: dir() }));

describe('runs.latest over the protocol', () => {
  it('answers nothing before any run, then the newest run of each playbook without its trigger event', async () => {
    expect(await client().call('runs.latest', {})).toEqual({ runs: [] });

    const first = await client().call('runs.start', { playbookId: 'tiny', trigger: { ip: '198.51.100.1' } });
    await client().waitForEvent(finishedOf(first.runId));
    const second = await client().call('runs.start', { playbookId: 'tiny', trigger: { ip: '198.51.100.2' } });
    await client().waitForEvent(finishedOf(second.runId));
    const waiting = await client().call('runs.start', { playbookId: 'approve' });
    await client().waitForEvent((event) => event.runId === waiting.runId && event.type === 'approval.requested');

    const { runs } = await client().call('runs.latest', {});
    expect(runs.map((summary) => [summary.playbookId, summary.runId, summary.status])).toEqual([
      ['approve', waiting.runId, 'running'],
      ['tiny', second.runId, 'succeeded'],
    ]);
    expect(JSON.stringify(runs)).not.toContain('198.51.100');
    expect((await client().call('runs.list', {})).runs).toHaveLength(3);
  });

  it('refuses params it does not know', async () => {
    await expect(client().call('runs.latest', { playbookId: 'tiny' } as never)).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
  });
});
