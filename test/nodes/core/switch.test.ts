import { describe, expect, it } from 'vitest';
import { switchNode } from '../../../nodes/core/switch.ts';
import { fakeContext } from '../../support/fake-context.ts';

describe('core.switch', () => {
  it('routes to the matching case, else default', async () => {
    const { ctx } = fakeContext();
    const cases = ['malicious', 'suspicious', '3'];
    const hit = await switchNode.run(ctx, { value: 'suspicious', cases });
    expect(hit).toEqual({ value: 'suspicious', case: 'suspicious' });
    expect(switchNode.route?.(hit)).toBe('suspicious');
    expect((await switchNode.run(ctx, { value: 3, cases })).case).toBe('3');
    expect((await switchNode.run(ctx, { value: 'benign', cases })).case).toBe('default');
    expect((await switchNode.run(ctx, { value: { a: 1 }, cases })).case).toBe('default');
  });

  it('computes ports from raw params and never throws on bad ones', () => {
    expect(switchNode.ports({ cases: ['a', 'b'] })).toEqual(['a', 'b', 'default', 'error']);
    expect(switchNode.ports({ cases: ['a', 'a', 7, '', 'default', '{{ x }}'] })).toEqual(['a', 'default', 'error']);
    expect(switchNode.ports({ cases: '{{ nodes.x.output }}' })).toEqual(['default', 'error']);
    expect(switchNode.ports({})).toEqual(['default', 'error']);
    expect(switchNode.ports(null as never)).toEqual(['default', 'error']);
    const hostile = Object.defineProperty({}, 'cases', { get: () => { throw new Error('boom'); } });
    expect(switchNode.ports(hostile)).toEqual(['default', 'error']);
  });

  it('requires a non-empty list of unique literal case names', () => {
    expect(switchNode.input.safeParse({ value: 1, cases: ['a'] }).success).toBe(true);
    expect(switchNode.input.safeParse({ value: 1, cases: [] }).success).toBe(false);
    expect(switchNode.input.safeParse({ value: 1, cases: ['a', 'a'] }).success).toBe(false);
    expect(switchNode.input.safeParse({ value: 1, cases: ['error'] }).success).toBe(false);
    expect(switchNode.input.safeParse({ value: 1, cases: ['{{ x }}'] }).success).toBe(false);
  });
});
