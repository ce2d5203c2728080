import { describe, expect, it } from 'vitest';
import { manualTrigger } from '../../../nodes/core/trigger-manual.ts';
import { scheduleTrigger } from '../../../nodes/core/trigger-schedule.ts';
import { effectiveVerification, webhookTrigger } from '../../../nodes/core/trigger-webhook.ts';
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
    expect(webhookTrigger.input.parse({ path: 'phishing-report' })).toEqual({
      path: 'phishing-report',
      method: 'POST',
      dedupeWindowSeconds: 86_400,
      maxBodyBytes: 1_048_576,
      rateLimitPerMinute: 600,
    });
    expect(webhookTrigger.input.safeParse({ path: '../etc' }).success).toBe(false);
    expect(webhookTrigger.input.safeParse({ path: 'a//b' }).success).toBe(false);
    expect(webhookTrigger.input.safeParse({ path: 'a', method: 'TRACE' }).success).toBe(false);
    expect(webhookTrigger.input.safeParse({ path: 'a', secretHeader: 'X Bad' }).success).toBe(false);
    expect(webhookTrigger.input.safeParse({ path: 'a', secretHeader: 'X-Webhook-Token' }).success).toBe(true);
  });

  it('webhook takes one verification with its options, and a parsable dedupe key', () => {
    const parse = (params: Record<string, unknown>) => webhookTrigger.input.safeParse({ path: 'a', ...params });
    expect(parse({ verification: { type: 'github' } }).success).toBe(true);
    expect(parse({ verification: { type: 'hmac-sha256', header: 'X-Signature', encoding: 'base64', prefix: 'sha256=' } }).success).toBe(true);
    expect(parse({ verification: { type: 'hmac-sha256' } }).error?.issues[0]?.path).toEqual(['verification', 'header']);
    expect(parse({ verification: { type: 'md5' } }).success).toBe(false);
    expect(parse({ verification: { type: 'bearer' }, secretHeader: 'X-Token' }).error?.issues[0]?.path).toEqual(['secretHeader']);
    expect(parse({ dedupeKey: 'trigger.body.alert_id' }).success).toBe(true);
    expect(parse({ dedupeKey: 'trigger.body.(' }).error?.issues[0]?.path).toEqual(['dedupeKey']);
    expect(parse({ dedupeWindowSeconds: 60 }).error?.issues[0]?.message).toMatch(/at least 600/);
    expect(parse({ maxBodyBytes: 2 * 1024 * 1024 }).success).toBe(false);
  });

  it('webhook verification defaults to standard-webhooks, and the old secretHeader means bearer on that header', () => {
    expect(effectiveVerification({})).toEqual({ type: 'standard-webhooks' });
    expect(effectiveVerification({ secretHeader: 'X-Webhook-Token' })).toEqual({ type: 'bearer', header: 'X-Webhook-Token' });
    expect(effectiveVerification({ verification: { type: 'slack' } })).toEqual({ type: 'slack' });
  });

  it('schedule takes exactly one of a valid cron or an interval', () => {
    expect(scheduleTrigger.input.safeParse({ cron: '*/5 * * * 1-5' }).success).toBe(true);
    expect(scheduleTrigger.input.safeParse({ intervalSeconds: 60 }).success).toBe(true);
    expect(scheduleTrigger.input.safeParse({}).success).toBe(false);
    expect(scheduleTrigger.input.safeParse({ cron: '@daily', intervalSeconds: 60 }).success).toBe(false);
    expect(scheduleTrigger.input.safeParse({ intervalSeconds: 0 }).success).toBe(false);
    const bad = scheduleTrigger.input.safeParse({ cron: '0 24 * * *' });
    expect(bad.error?.issues[0]).toMatchObject({ path: ['cron'], message: 'field 2 (hour): 24 is out of range 0-23' });
  });

  it('schedule takes a time zone for cron and a misfire policy', () => {
    expect(scheduleTrigger.input.safeParse({ cron: '0 9 * * *', timezone: 'Europe/Paris', misfire: 'once' }).success).toBe(true);
    expect(scheduleTrigger.input.safeParse({ intervalSeconds: 60, misfire: 'skip' }).success).toBe(true);
    expect(scheduleTrigger.input.safeParse({ cron: '@daily', misfire: 'always' }).success).toBe(false);
    expect(scheduleTrigger.input.safeParse({ cron: '0 9 * * *', timezone: 'Europe/Parsi' }).error?.issues[0]).toMatchObject({
      path: ['timezone'],
      message: '"Europe/Parsi" is not an IANA time zone; use a name such as Europe/Paris, America/New_York or UTC',
    });
    expect(scheduleTrigger.input.safeParse({ intervalSeconds: 60, timezone: 'UTC' }).error?.issues[0]).toMatchObject({
      path: ['timezone'],
      message: 'applies to a cron expression only; an interval is counted in seconds',
    });
  });
});
