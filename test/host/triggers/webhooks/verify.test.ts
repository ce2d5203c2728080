import crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyBearer } from '../../../../host/triggers/webhooks/verify/bearer.ts';
import { verifyGithub } from '../../../../host/triggers/webhooks/verify/github.ts';
import { verifyHmacSha256 } from '../../../../host/triggers/webhooks/verify/hmac-sha256.ts';
import { verifySlack } from '../../../../host/triggers/webhooks/verify/slack.ts';
import { verifyStandardWebhooks } from '../../../../host/triggers/webhooks/verify/standard-webhooks.ts';
import { proofHeaders, verifyRequest } from '../../../../host/triggers/webhooks/verify/verify-request.ts';
import type { SignedRequest } from '../../../../host/triggers/webhooks/verify/verdict.ts';

/** Standard Webhooks' own test vector (libraries/javascript/src/webhook.test.ts, "sign function works"). */
const STANDARD = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

/** GitHub's "Testing the webhook payload validation" values (docs: Validating webhook deliveries). */
const GITHUB = {
  secret: "It's a Secret to Everybody",
  body: 'Hello, World!',
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};

/** Slack's worked example (docs: Verifying requests from Slack). */
const SLACK = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: 1531420618,
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

function request(body: string, headers: Record<string, string>, secret: string, nowSeconds: number): SignedRequest {
  return { body: Buffer.from(body), headers, secret, now: nowSeconds * 1000 };
}

function standard(overrides: Partial<Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>> = {}, nowSeconds = STANDARD.timestamp, body = STANDARD.body) {
  const headers = { 'webhook-id': STANDARD.id, 'webhook-timestamp': String(STANDARD.timestamp), 'webhook-signature': STANDARD.signature, ...overrides };
  return request(body, headers, STANDARD.secret, nowSeconds);
}

afterEach(() => vi.restoreAllMocks());

describe('standard-webhooks', () => {
  it("accepts the spec's published vector and names the delivery id", () => {
    expect(verifyStandardWebhooks(standard())).toEqual({ ok: true, deliveryId: STANDARD.id });
  });

  it('accepts the secret without its whsec_ prefix, and any one of several space-separated signatures', () => {
    expect(verifyStandardWebhooks({ ...standard(), secret: STANDARD.secret.slice('whsec_'.length) }).ok).toBe(true);
    expect(verifyStandardWebhooks(standard({ 'webhook-signature': `v1,bm9wZQ== v2,xyz ${STANDARD.signature}` })).ok).toBe(true);
  });

  it('refuses a changed body, id or timestamp, a v2 signature and missing headers, each with its reason', () => {
    expect(verifyStandardWebhooks(standard({}, STANDARD.timestamp, '{"test": 2432232315}'))).toEqual({ ok: false, reason: 'webhook-signature does not match' });
    expect(verifyStandardWebhooks(standard({ 'webhook-id': 'msg_other' }))).toEqual({ ok: false, reason: 'webhook-signature does not match' });
    expect(verifyStandardWebhooks(standard({ 'webhook-timestamp': String(STANDARD.timestamp + 1) }))).toEqual({ ok: false, reason: 'webhook-signature does not match' });
    expect(verifyStandardWebhooks(standard({ 'webhook-signature': STANDARD.signature.replace('v1,', 'v2,') }))).toEqual({ ok: false, reason: 'webhook-signature does not match' });
    expect(verifyStandardWebhooks(request(STANDARD.body, {}, STANDARD.secret, STANDARD.timestamp))).toEqual({ ok: false, reason: 'missing webhook-id' });
    expect(verifyStandardWebhooks(standard({ 'webhook-timestamp': '' }))).toEqual({ ok: false, reason: 'missing webhook-timestamp' });
    expect(verifyStandardWebhooks(standard({ 'webhook-timestamp': '1614265330.5' }))).toEqual({ ok: false, reason: 'webhook-timestamp is not a Unix time in seconds' });
    expect(verifyStandardWebhooks({ ...standard(), secret: 'whsec_not base64!' })).toEqual({ ok: false, reason: 'the secret is not whsec_<base64>' });
  });

  it('refuses timestamps outside ±5 minutes of now, and accepts them at the edge', () => {
    expect(verifyStandardWebhooks(standard({}, STANDARD.timestamp + 300)).ok).toBe(true);
    expect(verifyStandardWebhooks(standard({}, STANDARD.timestamp - 300)).ok).toBe(true);
    expect(verifyStandardWebhooks(standard({}, STANDARD.timestamp + 301))).toEqual({ ok: false, reason: 'webhook-timestamp is more than 5 minutes old' });
    expect(verifyStandardWebhooks(standard({}, STANDARD.timestamp - 301))).toEqual({ ok: false, reason: 'webhook-timestamp is more than 5 minutes in the future' });
  });

  it('compares signatures with timingSafeEqual, also when the given one has another length', () => {
    const spy = vi.spyOn(crypto, 'timingSafeEqual');
    verifyStandardWebhooks(standard());
    verifyStandardWebhooks(standard({ 'webhook-signature': 'v1,c2hvcnQ=' }));
    expect(spy).toHaveBeenCalledTimes(2);
    for (const [a, b] of spy.mock.calls) expect((a as Buffer).length).toBe((b as Buffer).length);
  });
});

describe('github', () => {
  const github = (headers: Record<string, string>, body = GITHUB.body) => request(body, headers, GITHUB.secret, 0);

  it("accepts GitHub's documented example and takes X-GitHub-Delivery as the delivery id", () => {
    expect(verifyGithub(github({ 'x-hub-signature-256': GITHUB.signature }))).toEqual({ ok: true });
    expect(verifyGithub(github({ 'x-hub-signature-256': GITHUB.signature, 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' }))).toEqual({
      ok: true,
      deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    });
  });

  it('refuses another body, a missing or malformed header, and odd hex, with constant-time comparison', () => {
    const spy = vi.spyOn(crypto, 'timingSafeEqual');
    expect(verifyGithub(github({ 'x-hub-signature-256': GITHUB.signature }, 'Hello, World?'))).toEqual({ ok: false, reason: 'X-Hub-Signature-256 does not match' });
    expect(spy).toHaveBeenCalled();
    expect(verifyGithub(github({}))).toEqual({ ok: false, reason: 'missing X-Hub-Signature-256' });
    expect(verifyGithub(github({ 'x-hub-signature-256': GITHUB.signature.slice('sha256='.length) }))).toEqual({ ok: false, reason: 'X-Hub-Signature-256 does not start with sha256=' });
    expect(verifyGithub(github({ 'x-hub-signature-256': `${GITHUB.signature}0` }))).toEqual({ ok: false, reason: 'X-Hub-Signature-256 does not match' });
  });
});

describe('slack', () => {
  const slack = (headers: Record<string, string>, nowSeconds = SLACK.timestamp, body = SLACK.body) => request(body, headers, SLACK.secret, nowSeconds);
  const signed = { 'x-slack-signature': SLACK.signature, 'x-slack-request-timestamp': String(SLACK.timestamp) };

  it("accepts Slack's documented example; the signature stands for the missing delivery id", () => {
    const verdict = verifySlack(slack(signed));
    expect(verdict.ok).toBe(true);
    expect(verdict.ok && verdict.deliveryId).toMatch(/^sig-[0-9a-f]{32}$/);
    expect(verifySlack(slack(signed))).toEqual(verdict);
  });

  it('refuses a changed body, a stale timestamp and a missing signature', () => {
    expect(verifySlack(slack(signed, SLACK.timestamp, `${SLACK.body}&x=1`))).toEqual({ ok: false, reason: 'X-Slack-Signature does not match' });
    expect(verifySlack(slack(signed, SLACK.timestamp + 301))).toEqual({ ok: false, reason: 'X-Slack-Request-Timestamp is more than 5 minutes old' });
    expect(verifySlack(slack({ 'x-slack-request-timestamp': String(SLACK.timestamp) }))).toEqual({ ok: false, reason: 'missing X-Slack-Signature' });
    expect(verifySlack(slack({ 'x-slack-signature': SLACK.signature }))).toEqual({ ok: false, reason: 'missing X-Slack-Request-Timestamp' });
  });
});

describe('hmac-sha256', () => {
  const secret = 'generic-secret';
  const body = '{"alert":"A-7"}';
  const mac = crypto.createHmac('sha256', secret).update(body).digest();

  it('reads hex or base64 after an optional prefix from the configured header', () => {
    const hex = request(body, { 'x-signature': `sha256=${mac.toString('hex')}` }, secret, 0);
    expect(verifyHmacSha256(hex, { header: 'X-Signature', encoding: 'hex', prefix: 'sha256=' }).ok).toBe(true);
    const b64 = request(body, { 'x-sig': mac.toString('base64'), 'x-delivery': 'd-1' }, secret, 0);
    expect(verifyHmacSha256(b64, { header: 'X-Sig', encoding: 'base64', idHeader: 'X-Delivery' })).toEqual({ ok: true, deliveryId: 'd-1' });
  });

  it('refuses the wrong encoding, prefix or secret', () => {
    const hex = request(body, { 'x-sig': mac.toString('hex') }, secret, 0);
    expect(verifyHmacSha256(hex, { header: 'x-sig', encoding: 'base64' })).toEqual({ ok: false, reason: 'x-sig does not match' });
    expect(verifyHmacSha256(hex, { header: 'x-sig', encoding: 'hex', prefix: 'sha256=' })).toEqual({ ok: false, reason: 'x-sig does not start with sha256=' });
    expect(verifyHmacSha256({ ...hex, secret: 'other' }, { header: 'x-sig', encoding: 'hex' })).toEqual({ ok: false, reason: 'x-sig does not match' });
  });
});

describe('bearer', () => {
  it('reads Authorization: Bearer by default, or a named header as a whole, comparing digests in constant time', () => {
    const spy = vi.spyOn(crypto, 'timingSafeEqual');
    expect(verifyBearer(request('', { authorization: 'Bearer t0ken' }, 't0ken', 0), {})).toEqual({ ok: true });
    expect(verifyBearer(request('', { 'x-token': 't0ken', 'x-id': 'i-9' }, 't0ken', 0), { header: 'X-Token', idHeader: 'x-id' })).toEqual({ ok: true, deliveryId: 'i-9' });
    expect(verifyBearer(request('', { authorization: 'Bearer t0ke' }, 't0ken', 0), {})).toEqual({ ok: false, reason: 'Authorization token does not match' });
    expect(spy.mock.calls.every(([a, b]) => (a as Buffer).length === 32 && (b as Buffer).length === 32)).toBe(true);
    expect(verifyBearer(request('', { authorization: 'Basic dTpw' }, 't0ken', 0), {})).toEqual({ ok: false, reason: 'Authorization is not Bearer <token>' });
    expect(verifyBearer(request('', {}, 't0ken', 0), { header: 'X-Token' })).toEqual({ ok: false, reason: 'missing X-Token' });
  });
});

describe('verifyRequest', () => {
  it('passes none only on a loopback listener', () => {
    const any = request('{}', {}, '', 0);
    expect(verifyRequest({ type: 'none' }, any, true)).toEqual({ ok: true });
    expect(verifyRequest({ type: 'none' }, any, false)).toEqual({ ok: false, reason: 'verification none is allowed on a loopback listener only' });
  });

  it('dispatches on the type, and names the headers that carry each proof', () => {
    expect(verifyRequest({ type: 'standard-webhooks' }, standard(), false).ok).toBe(true);
    expect(proofHeaders({ type: 'hmac-sha256', header: 'X-Sig', encoding: 'hex' })).toEqual(['x-sig']);
    expect(proofHeaders({ type: 'bearer' })).toEqual(['authorization']);
  });
});
