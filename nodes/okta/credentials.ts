import * as z from 'zod';
import { secret } from '../sdk/secrets.ts';

/** An Okta org and an API token (SSWS) of an admin allowed to manage users. */
export const oktaCredentials = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .meta({ title: 'Base URL' })
    .describe('Your Okta org URL, e.g. https://acme.okta.com (Okta has no shared host; no /api/v1).'),
  apiToken: secret(z.string().min(1).describe('API token, sent as Authorization: SSWS <token>.')).meta({ title: 'API token' }),
});
