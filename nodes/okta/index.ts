import { defineConnector } from '../sdk/define-connector.ts';
import type { VendorErrorExtractor } from '../sdk/http-errors.ts';
import { oktaCredentials } from './credentials.ts';
import { findUser } from './find-user.ts';
import { clearSessions, suspendUser, unsuspendUser } from './lifecycle.ts';

/**
 * Okta's `{errorCode, errorSummary, errorCauses}` as `E0000001: Api validation failed: suspendUser
 * (Cannot suspend a user that is not active)`: the cause is often the only useful part.
 */
export const oktaVendorError: VendorErrorExtractor = (_status, body) => {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  const summary = typeof b['errorSummary'] === 'string' ? b['errorSummary'] : undefined;
  if (summary === undefined) return undefined;
  const code = typeof b['errorCode'] === 'string' ? `${b['errorCode']}: ` : '';
  const causes = (Array.isArray(b['errorCauses']) ? b['errorCauses'] : [])
    .map((cause: unknown) => (cause !== null && typeof cause === 'object' ? (cause as Record<string, unknown>)['errorSummary'] : undefined))
    .filter((text): text is string => typeof text === 'string' && text !== '' && text !== summary);
  return `${code}${summary}${causes.length > 0 ? ` (${causes.join('; ')})` : ''}`;
};

/**
 * Okta users through the Management API with an SSWS API token. A 429's wait comes from
 * X-Rate-Limit-Reset (UTC epoch seconds), which the SDK reads when there is no Retry-After.
 */
export const oktaConnector = defineConnector({
  id: 'okta',
  name: 'Okta',
  category: 'identity',
  docsUrl: 'https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/',
  description: 'Identity: find users, suspend and unsuspend them, and sign them out of every session.',
  credentials: oktaCredentials,
  http: (credentials) => ({
    baseURL: credentials.baseUrl,
    headers: { Authorization: `SSWS ${credentials.apiToken}`, Accept: 'application/json' },
  }),
  vendorError: oktaVendorError,
  actions: {
    find_user: findUser,
    suspend_user: suspendUser,
    unsuspend_user: unsuspendUser,
    clear_sessions: clearSessions,
  },
});
