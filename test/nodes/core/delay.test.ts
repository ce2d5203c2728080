import { describe, expect, it } from 'vitest';
import { NodeError } from '../../../engine/errors.ts';
import { delayNode } from '../../../nodes/core/delay.ts';
import { fakeContext } from '../../support/fake-context.ts';

describe('core.delay', () => {
  it('waits on the run clock', async () => {
    const { ctx, clock } = fakeContext();
    let done = false;
    const pending = Promise.resolve(delayNode.run(ctx, { ms: 5_000 })).then((output) => {
      done = true;
      return output;
    });
    await clock.advance(4_999);
    expect(done).toBe(false);
    await clock.advance(1);
    await expect(pending).resolves.toEqual({ waitedMs: 5_000 });
  });

  it('ends the wait when the run is stopped, keeping the executor reason', async () => {
    const { ctx, controller } = fakeContext();
    const pending = delayNode.run(ctx, { ms: 60_000 });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    const timed = fakeContext();
    const late = delayNode.run(timed.ctx, { ms: 60_000 });
    timed.controller.abort(new NodeError('TIMEOUT', 'no answer within 10 ms'));
    await expect(late).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('accepts 0 to one day', () => {
    expect(delayNode.input.safeParse({ ms: 0 }).success).toBe(true);
    expect(delayNode.input.safeParse({ ms: 86_400_001 }).success).toBe(false);
    expect(delayNode.input.safeParse({ ms: 1.5 }).success).toBe(false);
  });
});
