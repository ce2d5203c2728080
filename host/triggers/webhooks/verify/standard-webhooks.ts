import { checkTimestamp, headerValue, hmacSha256, refuse, sameBytes, strictBase64 } from './verdict.ts';
import type { SignedRequest, Verdict } from './verdict.ts';

const SECRET_PREFIX = 'whsec_';

/** The key of a `whsec_<base64>` secret (the prefix is optional, as in the spec's libraries). */
function standardWebhooksKey(secret: string): Buffer | undefined {
  return strictBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
}

/**
 * Standard Webhooks (standardwebhooks.com): `webhook-signature` holds space-separated `v1,<base64>`
 * signatures of `<webhook-id>.<webhook-timestamp>.<raw body>`; any one matching is enough.
 */
export function verifyStandardWebhooks(request: SignedRequest): Verdict {
  const key = standardWebhooksKey(request.secret);
  if (key === undefined) return refuse('the secret is not whsec_<base64>');
  const id = headerValue(request.headers, 'webhook-id');
  const timestamp = headerValue(request.headers, 'webhook-timestamp');
  const signatures = headerValue(request.headers, 'webhook-signature');
  if (id === undefined) return refuse('missing webhook-id');
  if (signatures === undefined) return refuse('missing webhook-signature');
  const stale = checkTimestamp(timestamp, 'webhook-timestamp', request.now);
  if (stale !== undefined) return refuse(stale);
  const expected = hmacSha256(key, `${id}.${timestamp}.`, request.body);
  let matched = false;
  for (const entry of signatures.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const given = strictBase64(entry.slice(comma + 1));
    if (given !== undefined && sameBytes(given, expected)) matched = true;
  }
  return matched ? { ok: true, deliveryId: id } : refuse('webhook-signature does not match');
}
