import { describe, expect, it } from 'vitest';
import type { LiveTrigger } from '../../../../host/triggers/contract.ts';
import { takeToken } from '../../../../host/triggers/webhooks/rate-limit.ts';
import { bodyKind, storedHeaders } from '../../../../host/triggers/webhooks/request-payload.ts';
import { planRoutes } from '../../../../host/triggers/webhooks/routes.ts';

const hook = (playbookId: string, params: Record<string, unknown>): LiveTrigger => ({ playbookId, revision: 1, triggerNodeId: 'hook', type: 'trigger.webhook@1', params });

describe('takeToken', () => {
  it('allows a burst of a minute’s worth, then one request per 60/N seconds', () => {
    let bucket = undefined;
    const allowed: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const take = takeToken(bucket, 3, 0);
      bucket = take.bucket;
      allowed.push(take.allowed);
    }
    expect(allowed).toEqual([true, true, true, false]);
    expect(takeToken(bucket, 3, 0).retryAfterMs).toBe(20_000);
    expect(takeToken(bucket, 3, 19_999).allowed).toBe(false);
    expect(takeToken(bucket, 3, 20_000).allowed).toBe(true);
  });
});

describe('planRoutes', () => {
  it('refuses verification none off loopback and serves it on loopback', () => {
    const none = [hook('open', { path: 'open', verification: { type: 'none' } })];
    expect(planRoutes(none, new Map(), false).refused[0]?.problem).toBe('verification none is allowed on a loopback listener only');
    expect(planRoutes(none, new Map(), true).routes.has('open')).toBe(true);
  });

  it('gives a contested path to its holder, else to the first playbook id, and ignores other trigger types', () => {
    const triggers = [hook('b', { path: 'p' }), hook('a', { path: 'p' }), { ...hook('c', { cron: '@daily' }), type: 'trigger.schedule@1' }];
    expect(planRoutes(triggers, new Map(), true).routes.get('p')?.trigger.playbookId).toBe('a');
    const kept = planRoutes(triggers, new Map([['p', 'b/hook']]), true);
    expect(kept.routes.get('p')?.trigger.playbookId).toBe('b');
    expect(kept.refused.map((r) => r.key)).toEqual(['a/hook']);
  });

  it('reads the old secretHeader as bearer on that header', () => {
    const { routes } = planRoutes([hook('old', { path: 'old', method: 'POST', secretHeader: 'X-Webhook-Token' })], new Map(), true);
    expect(routes.get('old')?.verification).toEqual({ type: 'bearer', header: 'X-Webhook-Token' });
  });
});

describe('request payload', () => {
  it('keeps ordinary headers and drops credentials, signatures, the trigger’s own proof header and secret-looking names', () => {
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/1',
      'x-github-delivery': 'd-1',
      'x-hub-signature-256': 'sha256=00',
      authorization: 'Bearer t',
      cookie: 'a=1',
      'x-sig': 'abc',
      'x-webhook-token': 't',
      'x-client-secret': 's',
      'x-forwarded-for': ['10.0.0.1', '10.0.0.2'],
    };
    expect(storedHeaders(headers, { type: 'hmac-sha256', header: 'X-Sig', encoding: 'hex' })).toEqual({
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/1',
      'x-github-delivery': 'd-1',
      'x-forwarded-for': '10.0.0.1, 10.0.0.2',
    });
  });

  it('takes JSON, +json and forms; an empty body needs no type', () => {
    expect(bodyKind('application/json; charset=utf-8', 10)).toBe('json');
    expect(bodyKind('application/vnd.api+json', 10)).toBe('json');
    expect(bodyKind('application/x-www-form-urlencoded', 10)).toBe('form');
    expect(bodyKind(undefined, 0)).toBe('empty');
    expect(bodyKind('text/plain', 10)).toBeUndefined();
    expect(bodyKind(undefined, undefined)).toBeUndefined();
  });
});
