import { describe, expect, it } from 'vitest';
import { failNode } from '../../../nodes/core/fail.ts';
import { fakeContext } from '../../support/fake-context.ts';

/** What `run` throws: core.fail is instant and fails synchronously. */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('core.fail', () => {
  it('fails at once with the message and keeps the code in details', () => {
    const { ctx } = fakeContext();
    expect(thrownBy(() => failNode.run(ctx, { message: 'No owner for host h1', code: 'NO_OWNER' }))).toMatchObject({
      name: 'NodeError',
      code: 'FAILED',
      message: 'No owner for host h1',
      details: { code: 'NO_OWNER' },
    });
    expect(thrownBy(() => failNode.run(ctx, { message: 'plain' }))).toMatchObject({ code: 'FAILED', details: undefined });
  });

  it('has only an error port', () => {
    expect(failNode.ports({})).toEqual(['error']);
  });
});
