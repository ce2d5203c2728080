import { describe, expect, it } from 'vitest';
import { setNode } from '../../../nodes/core/set.ts';
import { fakeContext } from '../../support/fake-context.ts';

describe('core.set', () => {
  it('outputs its resolved values as they are, synchronously', () => {
    const values = { verdict: 'malicious', score: 87, tags: ['phish'] };
    expect(setNode.run(fakeContext().ctx, { values })).toBe(values);
    expect(setNode.timing).toBe('instant');
    expect(setNode.ports({})).toEqual(['out', 'error']);
  });

  it('wants an object of values', () => {
    expect(setNode.input.safeParse({ values: { a: 1 } }).success).toBe(true);
    expect(setNode.input.safeParse({ values: [1] }).success).toBe(false);
    expect(setNode.input.safeParse({ value: {} }).success).toBe(false);
  });
});
