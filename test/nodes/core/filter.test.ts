import { describe, expect, it } from 'vitest';
import { compileValue, evaluateValue } from '../../../engine/expressions/template.ts';
import type { ExpressionScope } from '../../../engine/expressions/types.ts';
import { filterNode } from '../../../nodes/core/filter.ts';
import { fakeContext } from '../../support/fake-context.ts';

const scope: ExpressionScope = {
  trigger: { threshold: 50 },
  nodes: {},
  vars: {},
  run: { id: 'run-1', started: 0, mode: 'run', dryRun: false },
};

function withTemplates() {
  return fakeContext({
    evaluate: (template, extra) => evaluateValue(compileValue(template, 'params.where'), { ...scope, ...extra }),
  });
}

describe('core.filter', () => {
  it('keeps the items for which the where template holds, seeing item and index', async () => {
    const { ctx } = withTemplates();
    const items = [{ ip: 'a', score: 87 }, { ip: 'b', score: 10 }, { ip: 'c', score: 51 }];
    await expect(filterNode.run(ctx, { items, where: '{{ item.score > trigger.threshold }}' })).resolves.toEqual({
      items: [items[0], items[2]],
      count: 2,
    });
    await expect(filterNode.run(ctx, { items, where: '{{ index = 1 }}' })).resolves.toEqual({ items: [items[1]], count: 1 });
  });

  it('casts non-boolean results like $boolean and accepts a literal boolean', async () => {
    const { ctx } = withTemplates();
    const items = [{ tags: [] }, { tags: ['phish'] }, {}];
    await expect(filterNode.run(ctx, { items, where: '{{ item.tags }}' })).resolves.toMatchObject({ count: 1 });
    await expect(filterNode.run(ctx, { items, where: true })).resolves.toMatchObject({ count: 3 });
    await expect(filterNode.run(ctx, { items: [], where: '{{ item }}' })).resolves.toEqual({ items: [], count: 0 });
  });

  it('keeps where raw and surfaces expression errors', async () => {
    expect(filterNode.rawParams).toEqual(['where']);
    const { ctx } = withTemplates();
    await expect(filterNode.run(ctx, { items: [1], where: '{{ $notAFunction(item) }}' })).rejects.toThrow();
  });

  it('stops when the run is stopped', async () => {
    const { ctx, controller } = withTemplates();
    controller.abort();
    await expect(filterNode.run(ctx, { items: [1, 2], where: true })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
