import { checkTimestamp, headerValue, hmacSha256, refuse, sameBytes, signatureDeliveryId, strictHex } from './verdict.ts';
import type { SignedRequest, Verdict } from './verdict.ts';

/**
 * Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<raw body>">` with
 * `X-Slack-Request-Timestamp`. Slack sends no delivery id, so the signature stands for one: an
 * exact replay inside the ±5 minutes has the same signature and is a duplicate.
 */
export function verifySlack(request: SignedRequest): Verdict {
  const timestamp = headerValue(request.headers, 'x-slack-request-timestamp');
  const header = headerValue(request.headers, 'x-slack-signature');
  if (header === undefined) return refuse('missing X-Slack-Signature');
  const stale = checkTimestamp(timestamp, 'X-Slack-Request-Timestamp', request.now);
  if (stale !== undefined) return refuse(stale);
  if (!header.startsWith('v0=')) return refuse('X-Slack-Signature is not a v0= signature');
  const given = strictHex(header.slice('v0='.length));
  const expected = hmacSha256(request.secret, `v0:${timestamp}:`, request.body);
  if (given === undefined || !sameBytes(given, expected)) return refuse('X-Slack-Signature does not match');
  return { ok: true, deliveryId: signatureDeliveryId(header) };
}
