import { describe, expect, it } from 'vitest';
import { startRun } from '../../../engine/run/executor.ts';
import { buildPlan, planFor, type Plan } from '../../../engine/run/plan.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { playbook, testRegistry } from '../../support/test-nodes.ts';

const T = { id: 't', type: 'trigger.manual@1' };

/** Freezes what a run could write into: the plan's lists, its nodes and their static params. */
function freezePlan(plan: Plan): void {
  for (const node of plan.nodes) {
    if (node.staticParams) Object.freeze(node.staticParams);
    Object.freeze(node.incoming);
    Object.freeze(node.outgoing);
    Object.freeze(node);
  }
  Object.freeze(plan.nodes);
  Object.freeze(plan.edgeTarget);
  Object.freeze(plan.triggers);
  Object.freeze(plan);
}

describe('plan', () => {
  it('validates params without templates once, while planning, against the action schema', () => {
    const pb = playbook([T, { id: 'fixed', type: 'test.now@1', params: { values: { n: 1 } } }, { id: 'empty', type: 'test.set@1' }, { id: 'bad', type: 'test.set@1', params: { values: 'not a record' } }], ['t->fixed', 'fixed->empty', 'empty->bad']);
    const plan = buildPlan(pb, testRegistry());
    expect(plan.byId.get('fixed')?.staticParams?.parsed).toEqual({ success: true, data: { values: { n: 1 } } });
    // The schema's default is applied at planning, as it would be at run time.
    expect(plan.byId.get('empty')?.staticParams?.parsed).toEqual({ success: true, data: { values: {} } });
    expect(plan.byId.get('bad')?.staticParams?.parsed?.success).toBe(false);
  });

  it('leaves params with a template to each run', () => {
    const pb = playbook([T, { id: 'a', type: 'test.set@1', params: { values: { n: '{{ trigger.n }}' } } }], ['t->a']);
    expect(buildPlan(pb, testRegistry()).byId.get('a')?.staticParams).toBeUndefined();
  });

  it('is shared by the runs of one playbook and never written by them: a frozen plan runs the same twice', async () => {
    const pb = playbook(
      [T, { id: 'fixed', type: 'test.now@1', params: { values: { n: 1 } } }, { id: 'read', type: 'test.set@1', params: { values: { m: '{{ nodes.fixed.output.n + trigger.k }}' } } }, { id: 'bad', type: 'test.set@1', params: { values: 'not a record' } }],
      ['t->fixed', 'fixed->read', 'read->bad'],
    );
    const registry = testRegistry();
    freezePlan(planFor(pb, registry));
    for (const k of [1, 2]) {
      const state = await startRun({ playbook: pb, registry, clock: new FakeClock(), trigger: { k } }).done;
      expect(state.nodes.fixed?.output).toEqual({ n: 1 });
      expect(state.nodes.read?.output).toEqual({ m: 1 + k });
      expect(state.nodes.bad?.error?.code).toBe('INVALID_INPUT');
    }
    expect(planFor(pb, registry)).toBe(planFor(pb, registry));
  });
});
