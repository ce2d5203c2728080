import { headerValue, hmacSha256, refuse, sameBytes, strictHex } from './verdict.ts';
import type { SignedRequest, Verdict } from './verdict.ts';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`. GitHub signs no
 * timestamp, so replays are refused by the delivery id `X-GitHub-Delivery` (the default dedupe key).
 */
export function verifyGithub(request: SignedRequest): Verdict {
  const header = headerValue(request.headers, 'x-hub-signature-256');
  if (header === undefined) return refuse('missing X-Hub-Signature-256');
  if (!header.startsWith('sha256=')) return refuse('X-Hub-Signature-256 does not start with sha256=');
  const given = strictHex(header.slice('sha256='.length));
  const expected = hmacSha256(request.secret, request.body);
  if (given === undefined || !sameBytes(given, expected)) return refuse('X-Hub-Signature-256 does not match');
  const deliveryId = headerValue(request.headers, 'x-github-delivery');
  return deliveryId === undefined ? { ok: true } : { ok: true, deliveryId };
}
