import { describe, expect, it } from 'vitest';
import { manualTrigger } from '../../../nodes/core/trigger-manual.ts';
import { scheduleTrigger } from '../../../nodes/core/trigger-schedule.ts';
import { webhookTrigger } from '../../../nodes/core/trigger-webhook.ts';
import { fakeContext } from '../../support/fake-context.ts';

describe('triggers', () => {
  it('output the trigger event at once and have only an out port', () => {
    const { ctx } = fakeContext({ trigger: { alert: 'A-7' } });
    for (const spec of [manualTrigger, webhookTrigger, scheduleTrigger]) {
      expect(spec.kind).toBe('trigger');
      expect(spec.ports({})).toEqual(['out']);
      expect(spec.run(ctx, {} as never)).toEqual({ alert: 'A-7' });
    }
  });

  it('manual falls back to its sample when started without an event', () => {
    const { ctx } = fakeContext({ trigger: undefined });
    expect(manualTrigger.run(ctx, { sample: { ip: '203.0.113.7' } })).toEqual({ ip: '203.0.113.7' });
    expect(manualTrigger.run(ctx, {})).toEqual({});
  });

  it('webhook checks its path, method and header name', () => {
    expect(webhookTrigger.input.parse({ path: 'phishing-report' })).toEqual({ path: 'phishing-report', method: 'POST' });
    expect(webhookTrigger.input.safeParse({ path: '../etc' }).success).toBe(false);
    expect(webhookTrigger.input.safeParse({ path: 'a', method: 'TRACE' }).success).toBe(false);
    expect(webhookTrigger.input.safeParse({ path: 'a', secretHeader: 'X Bad' }).success).toBe(false);
    expect(webhookTrigger.input.safeParse({ path: 'a', secretHeader: 'X-Webhook-Token' }).success).toBe(true);
  });

  it('schedule takes exactly one of a valid cron or an interval', () => {
    expect(scheduleTrigger.input.safeParse({ cron: '*/5 * * * 1-5' }).success).toBe(true);
    expect(scheduleTrigger.input.safeParse({ intervalSeconds: 60 }).success).toBe(true);
    expect(scheduleTrigger.input.safeParse({}).success).toBe(false);
    expect(scheduleTrigger.input.safeParse({ cron: '@daily', intervalSeconds: 60 }).success).toBe(false);
    expect(scheduleTrigger.input.safeParse({ intervalSeconds: 0 }).success).toBe(false);
    const bad = scheduleTrigger.input.safeParse({ cron: '0 24 * * *' });
    expect(bad.error?.issues[0]).toMatchObject({ path: ['cron'], message: 'cron field 2 (hour): 24 is out of range 0-23' });
  });
});
