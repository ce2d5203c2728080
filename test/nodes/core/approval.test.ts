import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../engine/node-type.ts';
import { approvalNode } from '../../../nodes/core/approval.ts';
import { fakeContext } from '../../support/fake-context.ts';

describe('core.approval', () => {
  it('asks for a decision with a deadline and routes on it', async () => {
    const { ctx, clock, decisions } = fakeContext();
    const input = approvalNode.input.parse({ prompt: 'Block 203.0.113.7?', details: { score: 87 } });
    const output = await approvalNode.run(ctx, input);
    expect(output).toEqual({ decision: 'approved' });
    expect(approvalNode.route?.(output)).toBe('approved');
    expect(decisions).toEqual([{ prompt: 'Block 203.0.113.7?', expiresAt: clock.now() + 60 * 60_000, details: { score: 87 } }]);
    expect(approvalNode.ports({})).toEqual(['approved', 'rejected', 'expired', 'error']);
  });

  it.each<Decision>(['rejected', 'expired'])('takes the %s path', async (decision) => {
    const { ctx } = fakeContext({ requestDecision: () => Promise.resolve(decision) });
    const output = await approvalNode.run(ctx, { prompt: 'p', expiresInMinutes: 5 });
    expect(approvalNode.route?.(output)).toBe(decision);
  });

  it('caps the deadline at 7 days', () => {
    expect(approvalNode.input.safeParse({ prompt: 'p', expiresInMinutes: 7 * 24 * 60 }).success).toBe(true);
    expect(approvalNode.input.safeParse({ prompt: 'p', expiresInMinutes: 7 * 24 * 60 + 1 }).success).toBe(false);
    expect(approvalNode.input.safeParse({ prompt: '' }).success).toBe(false);
  });
});
