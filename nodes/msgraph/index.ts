import { defineConnector } from '../sdk/define-connector.ts';
import type { VendorErrorExtractor } from '../sdk/http-errors.ts';
import { msgraphCredentials } from './credentials.ts';
import { getMessage } from './get-message.ts';
import { messagesTrigger } from './messages-trigger.ts';
import { moveMessage } from './move-message.ts';
import { searchAllMailboxes } from './search-all-mailboxes.ts';
import { searchMessages } from './search-messages.ts';

/**
 * Graph's `{error:{code,message}}` as `code: message`; the identity platform's token errors
 * (`{error, error_description}`) as `error: AADSTS…` without the trace/correlation lines.
 */
export const msgraphVendorError: VendorErrorExtractor = (_status, body) => {
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const error = b['error'];
  if (error !== null && typeof error === 'object') {
    const e = error as Record<string, unknown>;
    const message = typeof e['message'] === 'string' ? e['message'] : undefined;
    const code = typeof e['code'] === 'string' ? e['code'] : undefined;
    if (message === undefined) return code;
    return code === undefined ? message : `${code}: ${message}`;
  }
  if (typeof error === 'string') {
    const description = typeof b['error_description'] === 'string' ? b['error_description'].split(/\r?\n/, 1)[0]?.trim() : undefined;
    return description ? `${error}: ${description}` : error;
  }
  return undefined;
};

/** Microsoft 365 mail through Microsoft Graph with an app-only (client-credentials) token. */
export const msgraphConnector = defineConnector({
  id: 'msgraph',
  name: 'Microsoft Graph',
  category: 'email',
  docsUrl: 'https://learn.microsoft.com/en-us/graph/api/resources/mail-api-overview',
  description:
    'Microsoft 365 mailboxes: search one or every mailbox, read a message with its URLs and attachment hashes, and move copies to Deleted Items or Junk Email.',
  credentials: msgraphCredentials,
  http: (credentials) => ({ baseURL: credentials.baseUrl, headers: { Accept: 'application/json' } }),
  vendorError: msgraphVendorError,
  actions: {
    search_messages: searchMessages,
    search_all_mailboxes: searchAllMailboxes,
    get_message: getMessage,
    move_message: moveMessage,
  },
  nodes: [messagesTrigger],
});
