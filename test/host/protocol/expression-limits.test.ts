import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../engine/run/events.ts';
import { chainPlaybook } from '../../support/chain-playbook.ts';
import { useProtocolServer, writeShipped } from './harness.ts';

/** A playbook whose one node builds what an attacker's shared playbook would: a 60 MB string, a 5 M list. */
function hostile(id: string, template: string) {
  return chainPlaybook(id, [
    { id: 'start', type: 'trigger.manual@1' },
    { id: 'bomb', type: 'core.set@1', params: { values: { x: template } } },
  ]);
}

const PAD = hostile('pad-bomb', '{{ $pad("", 60000000, "x") }}');
const RANGE = hostile('range-bomb', '{{ $string([1..5000000]) }}');

describe('expressions cannot hold the host', () => {
  const { client } = useProtocolServer((dir) => ({ shipped: writeShipped(dir(), [PAD, RANGE]) }));

  it.each([
    ['pad-bomb', '$pad would make 60000000 characters; the limit is 10000000 (maxStringLength)'],
    ['range-bomb', 'a list of 5000000 items; the limit is 1000000 (maxItems)'],
  ])('fails %s at its node with EXPRESSION naming the limit, and the host keeps answering', async (playbookId, message) => {
    const { runId } = await client().call('runs.start', { playbookId });
    const finished = (await client().waitForEvent((e) => e.runId === runId && e.type === 'run.finished', 15_000)) as Extract<RunEvent, { type: 'run.finished' }>;
    expect(finished.status).toBe('failed');
    expect(finished.error).toMatchObject({ code: 'EXPRESSION', message: expect.stringContaining(message) });
    expect((await client().call('host.info', {})).version).toBeTypeOf('string');
  });
});
