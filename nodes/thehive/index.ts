import * as z from 'zod';
import { defineConnector } from '../sdk/define-connector.ts';
import { secret } from '../sdk/secrets.ts';
import { addObservable, createAlert, createCase, getCase } from './actions.ts';

/** The TheHive 5 credential: the instance URL, a user's API key and, optionally, the organisation to act in. */
export const thehiveCredentials = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .meta({ title: 'Base URL' })
    .describe('TheHive root, e.g. https://thehive.corp.example:9000 (no /api path).'),
  apiKey: secret(z.string().min(1)).meta({ title: 'API key' }).describe("API key of the TheHive user (Account settings → API key), sent as 'Authorization: Bearer'."),
  organisation: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .meta({ title: 'Organisation' })
    .describe("Organisation to act in (X-Organisation header); the user's default organisation when empty."),
});

/** TheHive's error body `{type, message}` (AuthenticationError, NotFoundError, AttributeCheckingError…) as `type: message`. */
export function thehiveError(_status: number, body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const { type, message } = body as { type?: unknown; message?: unknown };
  const text = typeof message === 'string' && message.trim() !== '' ? message : undefined;
  const kind = typeof type === 'string' && type !== '' ? type : undefined;
  if (text === undefined) return kind;
  return kind === undefined || text.startsWith(kind) ? text : `${kind}: ${text}`;
}

/** TheHive 5: alerts, cases and observables for the analysts' case management. */
export const thehiveConnector = defineConnector({
  id: 'thehive',
  name: 'TheHive',
  category: 'ticketing',
  docsUrl: 'https://docs.strangebee.com/thehive/api-docs/',
  description: 'TheHive 5 case management (API v1): raise alerts, open cases with tasks, add observables, and read a case with its observables.',
  credentials: thehiveCredentials,
  http: (credentials) => ({
    baseURL: credentials.baseUrl,
    headers: {
      Authorization: `Bearer ${credentials.apiKey}`,
      Accept: 'application/json',
      ...(credentials.organisation === undefined ? {} : { 'X-Organisation': credentials.organisation }),
    },
  }),
  vendorError: thehiveError,
  actions: {
    create_alert: createAlert,
    create_case: createCase,
    add_observable: addObservable,
    get_case: getCase,
  },
});
