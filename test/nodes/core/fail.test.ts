import { describe, expect, it } from 'vitest';
import { failNode } from '../../../nodes/core/fail.ts';
import { fakeContext } from '../../support/fake-context.ts';

describe('core.fail', () => {
  it('fails with the message and keeps the code in details', async () => {
    const { ctx } = fakeContext();
    await expect(failNode.run(ctx, { message: 'No owner for host h1', code: 'NO_OWNER' })).rejects.toMatchObject({
      name: 'NodeError',
      code: 'FAILED',
      message: 'No owner for host h1',
      details: { code: 'NO_OWNER' },
    });
    await expect(failNode.run(ctx, { message: 'plain' })).rejects.toMatchObject({ code: 'FAILED', details: undefined });
  });

  it('has only an error port', () => {
    expect(failNode.ports({})).toEqual(['error']);
  });
});
