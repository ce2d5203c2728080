import { proofHeaders } from './verify/verify-request.ts';
import type { WebhookVerification } from '../../../nodes/core/trigger-webhook.ts';

/** Headers never stored whatever the verification: credentials, cookies and every vendor's signature. */
const ALWAYS_DROPPED = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'webhook-signature',
  'x-hub-signature',
  'x-hub-signature-256',
  'x-slack-signature',
]);

/** Header names that suggest a secret: dropped too, so a sender's own token header never lands in the inbox. */
const SECRET_LOOKING = /secret|token|signature|api[-_]?key|password|passwd|auth|session/i;

/**
 * The headers a run may see: lower-case names, repeated values joined with ", ", without any header
 * that carries a credential or signature (the trigger's own proof header included).
 */
export function storedHeaders(headers: Readonly<Record<string, string | string[] | undefined>>, verification: WebhookVerification): Record<string, string> {
  const proof = new Set(proofHeaders(verification));
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || ALWAYS_DROPPED.has(lower) || proof.has(lower) || SECRET_LOOKING.test(lower)) continue;
    kept[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

/** Query parameters as an object; a repeated name becomes a list. */
export function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const seen = out[name];
    out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

/** The body kinds a webhook takes. */
export type BodyKind = 'json' | 'form' | 'empty';

/** Which kind a Content-Type names: JSON (application/json, …+json) or a form; undefined for anything else. */
export function bodyKind(contentType: string | undefined, length: number | undefined): BodyKind | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === '') return length === 0 ? 'empty' : undefined;
  if (type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type)) return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  return undefined;
}

/** The parsed body, or a one-line reason it is not what its Content-Type says. */
export function parseBody(kind: BodyKind, bytes: Buffer): { ok: true; body: unknown } | { ok: false; reason: string } {
  if (bytes.length === 0) return { ok: true, body: null };
  const text = bytes.toString('utf8');
  if (kind === 'form') return { ok: true, body: queryObject(new URLSearchParams(text)) };
  if (kind === 'empty') return { ok: false, reason: 'body: a body needs a Content-Type' };
  try {
    return { ok: true, body: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: `body: not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
}
