import crypto from 'node:crypto';

/** What a verifier reads: the raw body bytes, the request headers (lower-case names), the secret, the time. */
export interface SignedRequest {
  body: Buffer;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  secret: string;
  /** Epoch ms. */
  now: number;
}

/**
 * A verifier's answer: ok with the sender's delivery id when it has one (the default dedupe key,
 * which is how a replay is refused), or one refusal reason for the trigger's health (never sent back).
 */
export type Verdict = { ok: true; deliveryId?: string } | { ok: false; reason: string };

/** How far a signed timestamp may be from now, either way (Standard Webhooks and Slack use 5 minutes). */
const TIMESTAMP_TOLERANCE_MS = 5 * 60 * 1000;

/** A refusal. */
export function refuse(reason: string): Verdict {
  return { ok: false, reason };
}

/** One header's value: the first when it was repeated, undefined when absent or empty. */
export function headerValue(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

/**
 * Whether two byte strings are equal, in time that depends only on their lengths: timingSafeEqual
 * on equal lengths; on different lengths a same-length comparison is still made, then false.
 */
export function sameBytes(given: Buffer, expected: Buffer): boolean {
  if (given.length !== expected.length) {
    crypto.timingSafeEqual(expected, expected);
    return false;
  }
  return crypto.timingSafeEqual(given, expected);
}

/** Whether two texts are equal, in constant time whatever their lengths (their SHA-256 digests are compared). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest();
  return crypto.timingSafeEqual(digest(given), digest(expected));
}

/** HMAC-SHA256 of the parts, fed in order, so the raw body is never copied or re-encoded. */
export function hmacSha256(key: crypto.BinaryLike, ...parts: Array<string | Buffer>): Buffer {
  const mac = crypto.createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** A signed Unix timestamp in seconds, refused when malformed or outside ±5 minutes of now. */
export function checkTimestamp(text: string | undefined, header: string, now: number): string | undefined {
  if (text === undefined) return `missing ${header}`;
  if (!/^\d{1,12}$/.test(text)) return `${header} is not a Unix time in seconds`;
  const skew = Number(text) * 1000 - now;
  if (skew > TIMESTAMP_TOLERANCE_MS) return `${header} is more than 5 minutes in the future`;
  if (skew < -TIMESTAMP_TOLERANCE_MS) return `${header} is more than 5 minutes old`;
  return undefined;
}

/** Decodes hex strictly (even length, hex digits only); undefined otherwise. */
export function strictHex(text: string): Buffer | undefined {
  return /^(?:[0-9a-fA-F]{2})+$/.test(text) ? Buffer.from(text, 'hex') : undefined;
}

/** Decodes standard base64 strictly (padding optional); undefined otherwise. */
export function strictBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === 0 ? undefined : bytes;
}

/** A delivery id derived from a signature, for senders that send none: an exact replay gets the same one. */
export function signatureDeliveryId(signature: string): string {
  return `sig-${crypto.createHash('sha256').update(signature, 'utf8').digest('hex').slice(0, 32)}`;
}
