import { describe, expect, it } from 'vitest';
import { resumePlan } from '../../../engine/journal/recovery.ts';
import { startRun } from '../../../engine/run/executor.ts';
import { reusedOutcome } from '../../../engine/run/reuse.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { playbook, testRegistry, type Calls } from '../../support/test-nodes.ts';

/** t → a → b → c, where b fails with a 400 (never retried) until `failTimes` is 0. */
const chain = (failTimes: number) =>
  playbook(
    [
      { id: 't', type: 'trigger.manual@1' },
      { id: 'a', type: 'test.set@1', params: { values: { n: 1 } } },
      { id: 'b', type: 'test.call@1', params: { failTimes, code: 'BAD_REQUEST' } },
      { id: 'c', type: 'test.set@1', params: { values: { after: '{{ nodes.b.output.attempt }}' } } },
    ],
    ['t->a', 'a->b', 'b->c'],
  );

describe('resuming a run whose nodes did not run', () => {
  it('runs the not-run nodes again and reuses what succeeded', async () => {
    const failed = await startRun({ playbook: chain(1), registry: testRegistry(), clock: new FakeClock() }).done;
    expect(failed.status).toBe('failed');
    expect(failed.nodes.c?.status).toBe('not-run');
    expect(reusedOutcome(failed.nodes.c, false)).toBeUndefined();

    const fixed = chain(0);
    expect(resumePlan(failed, fixed)).toEqual({ rerun: ['b', 'c'], reused: ['t', 'a'] });

    const calls: Calls = { log: [] };
    const resumed = await startRun({ playbook: fixed, registry: testRegistry(calls), clock: new FakeClock(), reuse: { previous: failed } }).done;
    expect(resumed.status).toBe('succeeded');
    expect(calls.log.map((call) => call.nodeId)).toEqual(['b', 'c']);
    expect(resumed.nodes.a?.source).toBe('reused');
    expect(resumed.nodes.c).toMatchObject({ status: 'succeeded', output: { after: 1 } });
  });
});
