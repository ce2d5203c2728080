import { describe, expect, it } from 'vitest';
import { conditionNode } from '../../../nodes/core/condition.ts';
import { toBoolean } from '../../../nodes/core/to-boolean.ts';
import { fakeContext } from '../../support/fake-context.ts';

describe('core.condition', () => {
  it('routes true and false', async () => {
    const { ctx } = fakeContext();
    const yes = await conditionNode.run(ctx, { condition: true });
    const no = await conditionNode.run(ctx, { condition: false });
    expect(yes).toEqual({ result: true });
    expect(conditionNode.route?.(yes)).toBe('true');
    expect(conditionNode.route?.(no)).toBe('false');
    expect(conditionNode.ports({})).toEqual(['true', 'false', 'error']);
  });

  it('casts other values like JSONata $boolean', async () => {
    const { ctx } = fakeContext();
    const cases: Array<[unknown, boolean]> = [
      [undefined, false], [null, false], [0, false], [1, true], ['', false], ['x', true],
      [[], false], [[0], false], [[0, 1], true], [{}, false], [{ a: 1 }, true],
    ];
    for (const [value, expected] of cases) {
      expect((await conditionNode.run(ctx, { condition: value })).result).toBe(expected);
      expect(toBoolean(value)).toBe(expected);
    }
  });

  it('warns when a condition is the text "false" (which casts to true)', async () => {
    const { ctx, logs } = fakeContext();
    expect((await conditionNode.run(ctx, { condition: 'false' })).result).toBe(true);
    expect(logs[0]?.level).toBe('warn');
  });
});
