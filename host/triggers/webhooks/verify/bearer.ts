import { headerValue, refuse, sameSecret } from './verdict.ts';
import type { SignedRequest, Verdict } from './verdict.ts';

/** Where a bearer token is: `Authorization: Bearer <token>` by default, or a named header's whole value. */
export interface BearerOptions {
  header?: string;
  idHeader?: string;
}

/**
 * A shared token, compared in constant time whatever its length. It signs nothing, so it cannot
 * tell a replay; `idHeader` names a delivery id to dedupe on.
 */
export function verifyBearer(request: SignedRequest, options: BearerOptions): Verdict {
  const name = options.header ?? 'authorization';
  const value = headerValue(request.headers, name);
  if (value === undefined) return refuse(`missing ${options.header ?? 'Authorization'}`);
  let token = value;
  if (options.header === undefined) {
    const match = /^Bearer +(.+)$/i.exec(value);
    if (match === null) return refuse('Authorization is not Bearer <token>');
    token = match[1] ?? '';
  }
  if (!sameSecret(token, request.secret)) return refuse(`${options.header ?? 'Authorization'} token does not match`);
  const deliveryId = options.idHeader === undefined ? undefined : headerValue(request.headers, options.idHeader);
  return deliveryId === undefined ? { ok: true } : { ok: true, deliveryId };
}
