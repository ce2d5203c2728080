import { describe, expect, it } from 'vitest';
import type { Playbook } from '../../../engine/format/playbook.ts';
import { startRun } from '../../../engine/run/executor.ts';
import { resolveInput } from '../../../engine/run/node-input.ts';
import { RunCore } from '../../../engine/run/run-core.ts';
import { RunServices } from '../../../engine/run/run-services.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { playbook, testRegistry } from '../../support/test-nodes.ts';

const T = { id: 't', type: 'trigger.manual@1' };

/** A fresh run's services over `pb`, with the trigger event `trigger`; nothing is started. */
function servicesFor(pb: Playbook, trigger: unknown): RunServices {
  return new RunServices(new RunCore({ playbook: pb, registry: testRegistry(), clock: new FakeClock(), trigger }), startRun);
}

function nodeOf(services: RunServices, id: string) {
  return services.core.plan.byId.get(id)!;
}

describe('a ready node\'s input', () => {
  it('is at hand without a promise when its params hold no template: a chain of them costs no microtask', () => {
    const services = servicesFor(playbook([T, { id: 'a', type: 'test.set@1', params: { values: { n: 1 } } }], ['t->a']), {});
    expect(resolveInput(nodeOf(services, 'a'), services)).toEqual({ ok: true, input: { values: { n: 1 } } });
  });

  it('evaluates templates in the run\'s scope', async () => {
    const services = servicesFor(playbook([T, { id: 'a', type: 'test.set@1', params: { values: { n: '{{ trigger.n * 2 }}' } } }], ['t->a']), { n: 21 });
    const resolved = resolveInput(nodeOf(services, 'a'), services);
    expect(resolved).toBeInstanceOf(Promise);
    expect(await resolved).toEqual({ ok: true, input: { values: { n: 42 } } });
  });

  it('of a forEach node is the list, as input and as items', async () => {
    const services = servicesFor(playbook([T, { id: 'each', type: 'test.set@1', forEach: '{{ trigger.ips }}' }], ['t->each']), { ips: ['10.0.0.1', '10.0.0.2'] });
    expect(await resolveInput(nodeOf(services, 'each'), services)).toEqual({ ok: true, input: { items: ['10.0.0.1', '10.0.0.2'] }, items: ['10.0.0.1', '10.0.0.2'] });
  });

  it('is an INVALID_INPUT error when forEach yields no list, naming what it yielded', async () => {
    const services = servicesFor(playbook([T, { id: 'each', type: 'test.set@1', forEach: '{{ trigger.missing }}' }], ['t->each']), {});
    const resolved = await resolveInput(nodeOf(services, 'each'), services);
    expect(resolved.ok).toBe(false);
    if (!resolved.ok) expect([resolved.error.code, resolved.error.message]).toEqual(['INVALID_INPUT', 'forEach must yield a list; it yielded nothing']);
  });

  it('is an EXPRESSION error when a template fails to evaluate', async () => {
    const services = servicesFor(playbook([T, { id: 'a', type: 'test.set@1', params: { values: { n: '{{ $unknownFunction(1) }}' } } }], ['t->a']), {});
    const resolved = await resolveInput(nodeOf(services, 'a'), services);
    expect(resolved.ok).toBe(false);
    if (!resolved.ok) expect(resolved.error.code).toBe('EXPRESSION');
  });
});
