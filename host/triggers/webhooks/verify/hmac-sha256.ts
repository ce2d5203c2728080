import { headerValue, hmacSha256, refuse, sameBytes, signatureDeliveryId, strictBase64, strictHex } from './verdict.ts';
import type { SignedRequest, Verdict } from './verdict.ts';

/** Where a generic HMAC signature is and how it is spelt. */
export interface HmacOptions {
  header: string;
  encoding: 'hex' | 'base64';
  prefix?: string;
  idHeader?: string;
}

/**
 * A generic HMAC-SHA256 of the raw body in a named header (hex or base64, after an optional prefix).
 * The delivery id is `idHeader`'s value, else one derived from the signature, so an exact replay
 * is a duplicate (with no signed timestamp, an identical body re-sent within the window is one too).
 */
export function verifyHmacSha256(request: SignedRequest, options: HmacOptions): Verdict {
  const header = headerValue(request.headers, options.header);
  if (header === undefined) return refuse(`missing ${options.header}`);
  const prefix = options.prefix ?? '';
  if (!header.startsWith(prefix)) return refuse(`${options.header} does not start with ${prefix}`);
  const text = header.slice(prefix.length);
  const given = options.encoding === 'hex' ? strictHex(text) : strictBase64(text);
  const expected = hmacSha256(request.secret, request.body);
  if (given === undefined || !sameBytes(given, expected)) return refuse(`${options.header} does not match`);
  const deliveryId = options.idHeader === undefined ? undefined : headerValue(request.headers, options.idHeader);
  return { ok: true, deliveryId: deliveryId ?? signatureDeliveryId(header) };
}
