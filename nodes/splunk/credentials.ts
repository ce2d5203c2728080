import * as z from 'zod';
import type { HttpSettings } from '../sdk/http-client.ts';
import { secret } from '../sdk/secrets.ts';

/**
 * A Splunk Enterprise or Splunk Cloud credential: the splunkd management URL and a token sent as
 * `Authorization: Bearer <token>` (or a session key as `Authorization: Splunk <sessionKey>`),
 * the two schemes splunklib's binding.py sends.
 */
export const splunkCredentials = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://localhost:8089')
    .meta({ title: 'Base URL' })
    .describe('splunkd management URL (port 8089): https://<host>:8089, or https://<deployment>.splunkcloud.com:8089 for Splunk Cloud.'),
  token: secret(z.string().min(1)).meta({ title: 'Authentication token' }).describe('Authentication token (Settings → Tokens), or a session key from POST /services/auth/login when authScheme is Splunk.'),
  authScheme: z
    .enum(['Bearer', 'Splunk'])
    .default('Bearer')
    .meta({ title: 'Auth scheme' })
    .describe('Bearer for an authentication token (the usual choice); Splunk for a session key.'),
  verifyTls: z
    .boolean()
    .default(true)
    .meta({ title: 'Verify TLS certificate' })
    .describe('Verify the TLS certificate; turn off only for an on-prem splunkd that still uses its self-signed certificate.'),
});

/** A parsed Splunk credential. */
export type SplunkCredentials = z.output<typeof splunkCredentials>;

/** How `ctx.http` reaches splunkd for one credential. */
export function splunkHttp(credentials: SplunkCredentials): HttpSettings {
  return {
    baseURL: credentials.baseUrl,
    headers: { Authorization: `${credentials.authScheme} ${credentials.token}`, Accept: 'application/json' },
    rejectUnauthorized: credentials.verifyTls,
  };
}
