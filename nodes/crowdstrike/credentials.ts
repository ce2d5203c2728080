import * as z from 'zod';
import { secret } from '../sdk/secrets.ts';

/** US-1; other clouds are api.us-2.crowdstrike.com, api.eu-1.crowdstrike.com, api.laggar.gcw.crowdstrike.com. */
export const FALCON_US1_URL = 'https://api.crowdstrike.com';

/** An OAuth2 API client of the Falcon console (Support and resources → API clients and keys). */
export const crowdstrikeCredentials = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default(FALCON_US1_URL)
    .meta({ title: 'Base URL' })
    .describe('API base URL of your Falcon cloud, e.g. https://api.crowdstrike.com (US-1) or https://api.eu-1.crowdstrike.com (EU-1).'),
  client_id: z.string().min(1).meta({ title: 'Client ID' }).describe('OAuth2 API client ID.'),
  client_secret: secret(z.string().min(1).describe('OAuth2 API client secret.')).meta({ title: 'Client secret' }),
  member_cid: z
    .string()
    .regex(/^[0-9a-fA-F]{32}(-[0-9a-fA-F]{2})?$/, 'must be a Falcon CID')
    .optional()
    .meta({ title: 'Member CID' })
    .describe('MSSP only: the child CID to act in.'),
});

export type CrowdstrikeCredentials = z.output<typeof crowdstrikeCredentials>;
