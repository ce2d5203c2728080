import * as z from 'zod';
import type { ConnectorContext } from '../sdk/define-connector.ts';
import { secret } from '../sdk/secrets.ts';

/** Microsoft Graph v1.0 in the global cloud: the default `baseUrl`. */
export const GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';
/** The Microsoft identity platform in the global cloud: the default `loginBaseUrl`. */
export const LOGIN_BASE_URL = 'https://login.microsoftonline.com';
/** Client-credentials scope: every application permission granted to the app registration. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

const httpUrl = () => z.url({ protocol: /^https?$/ });

/** An Entra ID app registration with Mail.Read(Write) and User.Read.All application permissions. */
export const msgraphCredentials = z.object({
  baseUrl: httpUrl().default(GRAPH_BASE_URL).meta({ title: 'Base URL' }).describe('Microsoft Graph endpoint with its version (national clouds differ).'),
  loginBaseUrl: httpUrl().default(LOGIN_BASE_URL).meta({ title: 'Login URL' }).describe('Microsoft identity platform host that issues the tokens.'),
  tenantId: z.string().min(1).max(256).meta({ title: 'Tenant ID' }).describe('Directory (tenant) ID, or a verified domain of the tenant.'),
  clientId: z.string().min(1).max(256).meta({ title: 'Client ID' }).describe('Application (client) ID of the app registration.'),
  clientSecret: secret(z.string().min(1).describe('Client secret value (not the secret ID).')).meta({ title: 'Client secret' }),
});

/** The credential after defaults: what the token cache and the actions read. */
export type MsgraphCredentials = z.output<typeof msgraphCredentials>;

/** The bound credential as the SDK parsed it for this call (defaults applied). */
export function credentialsOf(ctx: ConnectorContext): MsgraphCredentials {
  return ctx.credential as MsgraphCredentials;
}
