import * as z from 'zod';
import { defineConnector } from '../sdk/define-connector.ts';
import { secret } from '../sdk/secrets.ts';
import { addAttributeAction } from './add-attribute.ts';
import { searchAttributesAction } from './search-attributes.ts';

/*
 * Checked in MISP's source (app/Controller): a missing event on add is `NotFoundException('Invalid event')`
 * (404); a refused save is RestResponseComponent::saveFailResponse, 403 `{ name, message, url, errors }`;
 * RateLimitComponent limits only restSearch, answering 429 'Rate limit exceeded.' with
 * `X-Rate-Limit-Reset` in seconds until the window resets (the SDK honours it as a delay).
 */

/** A MISP instance is self-hosted: its URL is required, and on-prem certificates may be self-signed. */
export const mispCredentials = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }).meta({ title: 'Base URL' }).describe('Your MISP instance, e.g. https://misp.corp.example.'),
  apiKey: secret(z.string().min(1)).meta({ title: 'Auth key' }).describe('Auth key of an API-enabled user (Administration → Auth keys), sent as the raw Authorization header.'),
  rejectUnauthorized: z.boolean().optional().meta({ title: 'Verify TLS certificate' }).describe('Set false only for an internal MISP with a self-signed certificate.'),
});

/**
 * MISP's error body (CakePHP exceptions and RestResponseComponent) is `{ name, message, url }`, plus
 * `errors` per field when a save is refused: `{ value: ['A similar attribute already exists…'] }`.
 */
export function mispError(_status: number, body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const b = body as { name?: unknown; message?: unknown; errors?: unknown };
  const message = typeof b.message === 'string' && b.message !== '' ? b.message : typeof b.name === 'string' ? b.name : undefined;
  const errors = fieldErrors(b.errors);
  if (message === undefined) return errors;
  return errors === undefined ? message : `${message}: ${errors}`;
}

/** `{ value: ['…'], type: ['…'] }` (nested per attribute in batch saves) as `value: …; type: …`. */
export function fieldErrors(errors: unknown): string | undefined {
  if (typeof errors === 'string') return errors;
  if (Array.isArray(errors)) return errors.map((e) => fieldErrors(e)).filter((e) => e !== undefined).join(', ') || undefined;
  if (errors === null || typeof errors !== 'object') return undefined;
  const parts = Object.entries(errors as Record<string, unknown>)
    .map(([field, value]) => {
      const text = fieldErrors(value);
      return text === undefined ? undefined : `${field}: ${text}`;
    })
    .filter((part): part is string => part !== undefined);
  return parts.length === 0 ? undefined : parts.join('; ');
}

/** MISP: search shared indicators and add new ones to events. */
export const mispConnector = defineConnector({
  id: 'misp',
  name: 'MISP',
  category: 'threat-intel',
  docsUrl: 'https://www.misp-project.org/openapi/',
  description: 'Threat-sharing platform: search attributes (indicators) across events and add indicators to an event.',
  credentials: mispCredentials,
  http: (credentials) => ({
    baseURL: credentials.baseUrl,
    headers: { Authorization: credentials.apiKey, Accept: 'application/json' },
    rejectUnauthorized: credentials.rejectUnauthorized,
  }),
  vendorError: mispError,
  actions: {
    search_attributes: searchAttributesAction,
    add_attribute: addAttributeAction,
  },
});
