import * as z from 'zod';
import { defineConnector } from '../sdk/define-connector.ts';
import { secret } from '../sdk/secrets.ts';
import { addComment, createIssue, getIssue, transitionIssue } from './actions.ts';

/** The Jira Cloud credential: the site URL plus an Atlassian account email and its API token (Basic auth). */
export const jiraCredentials = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .meta({ title: 'Base URL' })
    .describe('Your Jira site, e.g. https://your-domain.atlassian.net (no /rest path).'),
  email: z.string().min(3).meta({ title: 'Email' }).describe('Email of the Atlassian account the API token belongs to.'),
  apiToken: secret(z.string().min(1)).meta({ title: 'API token' }).describe('API token from id.atlassian.com → Security → API tokens.'),
});

/**
 * Jira's error body `{errorMessages: [...], errors: {field: message}}` as one line, both joined
 * (`errorMessages` first, then `field: message`). Other shapes (the plain-text 401) fall back to the SDK.
 */
export function jiraError(_status: number, body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const { errorMessages, errors } = body as { errorMessages?: unknown; errors?: unknown };
  const messages = Array.isArray(errorMessages) ? errorMessages.filter((m): m is string => typeof m === 'string' && m.trim() !== '') : [];
  const fieldErrors =
    errors !== null && typeof errors === 'object' && !Array.isArray(errors)
      ? Object.entries(errors as Record<string, unknown>)
          .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
          .map(([field, message]) => `${field}: ${message}`)
      : [];
  const all = [...messages, ...fieldErrors];
  return all.length === 0 ? undefined : all.join('; ');
}

/** Jira Cloud REST v3: open, comment on, transition and read issues. */
export const jiraConnector = defineConnector({
  id: 'jira',
  name: 'Jira',
  category: 'ticketing',
  docsUrl: 'https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/',
  description: 'Jira Cloud issues through REST API v3: create (with an ADF description), comment, transition by name, and read.',
  credentials: jiraCredentials,
  http: (credentials) => ({
    baseURL: credentials.baseUrl,
    auth: { username: credentials.email, password: credentials.apiToken },
    headers: { Accept: 'application/json' },
  }),
  vendorError: jiraError,
  actions: {
    create_issue: createIssue,
    add_comment: addComment,
    transition_issue: transitionIssue,
    get_issue: getIssue,
  },
});
