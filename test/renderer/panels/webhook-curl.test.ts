import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyRequest } from '../../../host/triggers/webhooks/verify/verify-request.ts';
import type { WebhookVerification } from '../../../nodes/core/trigger-webhook.ts';
import { webhookCurl } from '../../../renderer/panels/webhook-curl.ts';

/** Each request the server saw: its method, headers, body, and the host verifier's verdict. */
interface Seen {
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  ok: boolean;
}

const STANDARD_SECRET = `whsec_${crypto.randomBytes(24).toString('base64')}`;
const PLAIN_SECRET = 'shh-its-a-test-secret';
let server: http.Server;
let base: string;
let verification: WebhookVerification = { type: 'none' };
let secret = '';
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const verdict = verifyRequest(verification, { body, headers: req.headers, secret, now: Date.now() }, true);
      seen.push({ method: req.method ?? '', headers: req.headers, body: body.toString('utf8'), ok: verdict.ok });
      res.writeHead(verdict.ok ? 202 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Runs the generated command in bash with `WEBHOOK_SECRET` set (or not) and returns what the server saw. */
async function send(options: { verification: WebhookVerification; secret: string; method?: string; env?: string }): Promise<{ seen: Seen | undefined; stderr: string; code: number }> {
  verification = options.verification;
  secret = options.secret;
  seen.length = 0;
  const script = webhookCurl({ url: `${base}suspicious-login`, method: options.method ?? 'POST', verification: options.verification, slot: 'hook' });
  const env = { PATH: process.env.PATH ?? '', ...(options.env === undefined ? {} : { WEBHOOK_SECRET: options.env }) };
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], { env }, (error, _stdout, stderr) => resolve({ seen: seen[0], stderr, code: error === null ? 0 : Number(error.code ?? 1) }));
  });
}

describe('the Triggers panel’s curl example', () => {
  it('signs a Standard Webhooks request the host’s verifier accepts, with the secret only from the environment', async () => {
    const script = webhookCurl({ url: `${base}x`, method: 'POST', verification: { type: 'standard-webhooks' }, slot: 'hook' });
    expect(script).not.toContain(STANDARD_SECRET);
    const result = await send({ verification: { type: 'standard-webhooks' }, secret: STANDARD_SECRET, env: STANDARD_SECRET });
    expect(result.seen?.ok).toBe(true);
    expect(result.seen?.headers['webhook-signature']).toMatch(/^v1,/);
    expect(JSON.parse(result.seen?.body ?? '')).toEqual({ user: 'alice@example.com', ip: '203.0.113.7' });
  });

  it('is refused with another secret', async () => {
    const result = await send({ verification: { type: 'standard-webhooks' }, secret: STANDARD_SECRET, env: `whsec_${crypto.randomBytes(24).toString('base64')}` });
    expect(result.seen?.ok).toBe(false);
  });

  it('stops before sending, naming the slot, when WEBHOOK_SECRET is unset', async () => {
    const result = await send({ verification: { type: 'standard-webhooks' }, secret: STANDARD_SECRET });
    expect(result.seen).toBeUndefined();
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('slot hook');
  });

  it.each<[string, WebhookVerification]>([
    ['github', { type: 'github' }],
    ['slack', { type: 'slack' }],
    ['hmac-sha256 hex with a prefix', { type: 'hmac-sha256', header: 'X-Sig', encoding: 'hex', prefix: 'sha256=' }],
    ['hmac-sha256 base64', { type: 'hmac-sha256', header: 'X-Sig', encoding: 'base64', idHeader: 'X-Delivery' }],
    ['bearer', { type: 'bearer' }],
    ['bearer on a named header', { type: 'bearer', header: 'X-Token', idHeader: 'X-Delivery' }],
  ])('signs for %s', async (_name, chosen) => {
    const result = await send({ verification: chosen, secret: PLAIN_SECRET, env: PLAIN_SECRET });
    expect(result.seen?.ok).toBe(true);
  });

  it('sends an unsigned request for verification none, and uses the trigger’s method', async () => {
    const script = webhookCurl({ url: `${base}x`, method: 'PUT', verification: { type: 'none' }, slot: undefined });
    expect(script).not.toContain('SECRET');
    const result = await send({ verification: { type: 'none' }, secret: '', method: 'PUT' });
    expect(result.seen?.method).toBe('PUT');
    expect(result.seen?.ok).toBe(true);
  });
});
