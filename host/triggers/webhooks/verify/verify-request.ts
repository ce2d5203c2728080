import type { WebhookVerification } from '../../../../nodes/core/trigger-webhook.ts';
import { verifyBearer } from './bearer.ts';
import { verifyGithub } from './github.ts';
import { verifyHmacSha256 } from './hmac-sha256.ts';
import { verifySlack } from './slack.ts';
import { verifyStandardWebhooks } from './standard-webhooks.ts';
import type { SignedRequest, Verdict } from './verdict.ts';

/** The headers a verification reads its proof from: never stored, never logged. */
export function proofHeaders(verification: WebhookVerification): string[] {
  switch (verification.type) {
    case 'standard-webhooks':
      return ['webhook-signature'];
    case 'github':
      return ['x-hub-signature-256', 'x-hub-signature'];
    case 'slack':
      return ['x-slack-signature'];
    case 'hmac-sha256':
      return [verification.header.toLowerCase()];
    case 'bearer':
      return [(verification.header ?? 'authorization').toLowerCase()];
    case 'none':
      return [];
  }
}

/**
 * Checks one request against its trigger's verification. `none` passes only on a loopback listener
 * (the source refuses to route such a trigger elsewhere; this is the second lock).
 */
export function verifyRequest(verification: WebhookVerification, request: SignedRequest, loopbackListener: boolean): Verdict {
  switch (verification.type) {
    case 'standard-webhooks':
      return verifyStandardWebhooks(request);
    case 'github':
      return verifyGithub(request);
    case 'slack':
      return verifySlack(request);
    case 'hmac-sha256':
      return verifyHmacSha256(request, verification);
    case 'bearer':
      return verifyBearer(request, verification);
    case 'none':
      return loopbackListener ? { ok: true } : { ok: false, reason: 'verification none is allowed on a loopback listener only' };
  }
}
