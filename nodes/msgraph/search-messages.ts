import * as z from 'zod';
import type { ConnectorContext, RunAction } from '../sdk/define-connector.ts';
import type { MsgraphCredentials } from './credentials.ts';
import { credentialsOf } from './credentials.ts';
import { collectPages, odataQuery, userPath } from './paging.ts';
import { searchMessagesOutput } from './outputs.ts';

/** Properties returned when `$select` is not given: enough to triage, without the (large) body. */
export const DEFAULT_MESSAGE_SELECT =
  'id,subject,from,sender,toRecipients,receivedDateTime,internetMessageId,hasAttachments,parentFolderId,bodyPreview,webLink';

/** Graph's page-size ceiling for messages. */
const MAX_TOP = 1000;

/** The search parameters shared by the one-mailbox and the all-mailboxes search. */
export const messageQueryFields = {
  from: z
    .email()
    .optional()
    .meta({ title: 'From' })
    .describe("Sender address; adds from/emailAddress/address eq '…' to $filter."),
  $filter: z
    .string()
    .min(1)
    .max(4000)
    .optional()
    .meta({ title: 'Filter (OData)' })
    .describe('OData filter, e.g. receivedDateTime ge 2026-11-27T00:00:00Z. Cannot be combined with $search.'),
  $search: z
    .string()
    .min(1)
    .max(1000)
    .optional()
    .meta({ title: 'Search (KQL)' })
    .describe('KQL search, e.g. paypa1-secure.com or subject:invoice (quotes are added). Returns at most 1,000 messages; cannot be combined with $filter.'),
  $select: z.string().min(1).max(1000).default(DEFAULT_MESSAGE_SELECT).meta({ title: 'Properties' }).describe('Comma-separated message properties to return.'),
  $top: z.number().int().min(1).max(MAX_TOP).optional().meta({ title: 'Page size' }).describe('Page size asked of Graph (1-1000); defaults to the limit, at most 100.'),
  mailFolder: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .meta({ title: 'Folder' })
    .describe('Search one folder only: a well-known name (inbox, junkemail, deleteditems, archive) or a folder id. Whole mailbox when empty.'),
};

type MessageQueryInput = {
  from?: string;
  $filter?: string;
  $search?: string;
  $select: string;
  $top?: number;
  mailFolder?: string;
};

/** Graph refuses `$search` together with `$filter`; say so before calling it. */
export function searchConflict(input: Pick<MessageQueryInput, 'from' | '$filter' | '$search'>): boolean {
  return input.$search !== undefined && (input.$filter !== undefined || input.from !== undefined);
}

/** Why the input was refused when both $search and a filter were given. */
export const SEARCH_CONFLICT_MESSAGE = '$search cannot be combined with $filter or from (Graph refuses it); use one or the other';

/** An OData string literal: single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `$search` values must be wrapped in double quotes; inner quotes are backslash-escaped. */
export function quoteSearch(value: string): string {
  const text = value.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return text;
  return `"${text.replace(/"/g, '\\"')}"`;
}

/** The `$filter` to send: the caller's filter and the sender clause, joined with `and`. */
export function combinedFilter(input: Pick<MessageQueryInput, 'from' | '$filter'>): string | undefined {
  const clauses = [input.$filter, input.from === undefined ? undefined : `from/emailAddress/address eq ${odataString(input.from)}`];
  const present = clauses.filter((c): c is string => c !== undefined);
  if (present.length === 0) return undefined;
  return present.length === 1 ? present[0] : present.map((c) => `(${c})`).join(' and ');
}

/** The first request of a mailbox search: path (whole mailbox or one folder) and OData query. */
export function messagesUrl(userId: string, input: MessageQueryInput, limit: number): string {
  const folder = input.mailFolder === undefined ? '' : `/mailFolders/${encodeURIComponent(input.mailFolder)}`;
  return `${userPath(userId)}${folder}/messages${odataQuery({
    $filter: combinedFilter(input),
    $search: input.$search === undefined ? undefined : quoteSearch(input.$search),
    $select: input.$select,
    $top: input.$top ?? Math.min(limit, 100),
  })}`;
}

/** Searches one mailbox, following `@odata.nextLink` until `limit` messages. */
export async function searchMailbox(
  ctx: ConnectorContext,
  credentials: MsgraphCredentials,
  userId: string,
  input: MessageQueryInput,
  limit: number,
): Promise<{ messages: Record<string, unknown>[]; truncated: boolean }> {
  const { items, truncated } = await collectPages<Record<string, unknown>>(ctx, credentials, messagesUrl(userId, input, limit), limit);
  return { messages: items, truncated };
}

/** Params of search_messages: one mailbox, the search, and how many messages to read at most. */
export const searchMessagesInput = z
  .object({
    userId: z.string().min(1).max(512).meta({ title: 'Mailbox' }).describe('Mailbox to search: the user id or userPrincipalName (alice@corp.example).'),
    ...messageQueryFields,
    limit: z.number().int().min(1).max(5000).default(100).meta({ title: 'Max messages' }).describe('Stop after this many messages (pages are followed until then).'),
  })
  .refine((input) => !searchConflict(input), { message: SEARCH_CONFLICT_MESSAGE, path: ['$search'] });

/** List messages in a user's mailbox, filtered or searched, across pages. */
export const searchMessages: RunAction<typeof searchMessagesInput> = {
  title: 'Search messages in a mailbox',
  description:
    "Finds messages in one user's mailbox with an OData $filter (e.g. by sender) or a KQL $search (e.g. a URL's domain), following @odata.nextLink up to a limit.",
  effect: 'read',
  input: searchMessagesInput,
  output: searchMessagesOutput,
  example: {
    userId: 'alice@corp.example',
    count: 1,
    truncated: false,
    messages: [
      {
        '@odata.etag': 'W/"CQAAABYAAADHcgC8Hl9tRZ/hc1wEUs1TAAAwR4Hg"',
        id: 'AAMkAGI2TG93AAA=',
        subject: 'Action required: your invoice is overdue',
        from: { emailAddress: { name: 'PayPal Billing', address: 'billing@paypa1-secure.com' } },
        sender: { emailAddress: { name: 'PayPal Billing', address: 'billing@paypa1-secure.com' } },
        toRecipients: [{ emailAddress: { name: 'Alice Nguyen', address: 'alice@corp.example' } }],
        receivedDateTime: '2026-11-27T07:55:12Z',
        internetMessageId: '<CAF=phish-2026-11-27@paypa1-secure.com>',
        hasAttachments: true,
        parentFolderId: 'AAMkAGI2AAAAAAEMAAA=',
        bodyPreview: 'Dear customer, your invoice is overdue. Verify your account to avoid suspension.',
        webLink: 'https://outlook.office365.com/owa/?ItemID=AAMkAGI2TG93AAA%3D&exvsurl=1&viewmodel=ReadMessageItem',
      },
    ],
  },
  async run(ctx, input) {
    const credentials = credentialsOf(ctx);
    const { messages, truncated } = await searchMailbox(ctx, credentials, input.userId, input, input.limit);
    return { userId: input.userId, count: messages.length, truncated, messages };
  },
};
