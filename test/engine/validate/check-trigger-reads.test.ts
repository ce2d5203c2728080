import { describe, expect, it } from 'vitest';
import { validatePlaybook } from '../../../engine/validate/validate-playbook.ts';
import { makePlaybook, registry } from './fake-registry.ts';
import { start } from './fixture.ts';

describe('validatePlaybook: fields read from the trigger', () => {
  const reader = (url: string) => ({ id: 'fetch_page', name: 'Fetch page', type: 'acme.fetch@1', params: { url } });
  const problemsOf = (trigger: Record<string, unknown>, url: string) =>
    validatePlaybook(makePlaybook({ nodes: [trigger as typeof start, reader(url)], edges: [[trigger['id'] as string, 'out', 'fetch_page']] }), registry);

  it("warns about a field the trigger's sample does not have", () => {
    const manual = { id: 'start', name: 'Start', type: 'core.manual@1', params: { sample: { alert: { id: 'A-1', indicator: '203.0.113.7' } } } };
    expect(problemsOf(manual, '{{ trigger.alert.indicator }}')).toEqual([]);
    expect(problemsOf(manual, '{{ trigger.alert.indicatr }}')).toEqual([
      {
        severity: 'warning',
        code: 'EXPRESSION_UNKNOWN_TRIGGER_FIELD',
        message: "Fetch page: url reads trigger.alert.indicatr, but field indicatr in alert is not in Start's sample event (did you mean indicator?)",
        nodeId: 'fetch_page',
        path: 'nodes[1].params.url',
      },
    ]);
    expect(problemsOf({ ...manual, params: { sample: {} } }, '{{ trigger.alert.indicator }}').map((problem) => problem.message)).toEqual([
      "Fetch page: url reads trigger.alert.indicator, but field alert is not in Start's sample event",
    ]);
  });

  it("checks against the trigger's declared event schema, and warns only when neither it nor the sample has the field", () => {
    const alert = { id: 'alert', name: 'Alert', type: 'acme.alert@1', params: {} };
    expect(problemsOf(alert, '{{ trigger.alert.severity }}')).toEqual([]);
    expect(problemsOf(alert, '{{ trigger.alert.severty }}').map((problem) => problem.message)).toEqual([
      "Fetch page: url reads trigger.alert.severty, but field severty in alert is not in Alert's event schema (did you mean severity?)",
    ]);
    const sampled = { ...alert, params: { sample: { alert: { id: 'A-1' }, source: 'splunk' } } };
    expect(problemsOf(sampled, '{{ trigger.source }} {{ trigger.alert.indicator }}')).toEqual([]);
    expect(problemsOf(sampled, '{{ trigger.sourse }}').map((problem) => problem.message)).toEqual([
      "Fetch page: url reads trigger.sourse, but field sourse is neither in Alert's sample event nor its event schema (did you mean source?)",
    ]);
  });

  it('does not check a trigger with neither a sample nor a schema', () => {
    expect(problemsOf(start, '{{ trigger.anything.at.all }}')).toEqual([]);
  });
});
