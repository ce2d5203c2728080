import * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';
import type { ConnectorContext, RunAction } from '../sdk/define-connector.ts';
import type { MsgraphCredentials } from './credentials.ts';
import { credentialsOf } from './credentials.ts';
import { mapConcurrent } from './map-concurrent.ts';
import { collectPages, odataQuery } from './paging.ts';
import { messageQueryFields, searchConflict, searchMailbox, SEARCH_CONFLICT_MESSAGE } from './search-messages.ts';
import { searchAllMailboxesOutput } from './outputs.ts';

/** Graph allows four concurrent requests per mailbox per app; one search per mailbox at a time, four mailboxes at once. */
export const MAX_MAILBOX_CONCURRENCY = 4;
const MAX_USERS = 10_000;

interface GraphUser {
  id?: string;
  userPrincipalName?: string;
  mail?: string | null;
}

/** A mailbox that could not be searched (a user without a mailbox, say) and why. */
export interface SkippedMailbox {
  mailbox: string;
  reason: string;
}

/** Every user of the tenant that has a mailbox (`mail` set), by userPrincipalName; the others are reported as skipped. */
export async function tenantMailboxes(
  ctx: ConnectorContext,
  credentials: MsgraphCredentials,
): Promise<{ mailboxes: string[]; skipped: SkippedMailbox[] }> {
  const url = `/users${odataQuery({ $select: 'id,userPrincipalName,mail', $top: 999 })}`;
  const { items } = await collectPages<GraphUser>(ctx, credentials, url, MAX_USERS);
  const mailboxes: string[] = [];
  const skipped: SkippedMailbox[] = [];
  for (const user of items) {
    const name = user.userPrincipalName ?? user.id;
    if (name === undefined) continue;
    if (typeof user.mail === 'string' && user.mail !== '') mailboxes.push(name);
    else skipped.push({ mailbox: name, reason: 'no mailbox (mail is empty)' });
  }
  return { mailboxes, skipped };
}

/** Whether one mailbox's failure should be recorded and the sweep go on (the user or its mailbox does not exist). */
export function isMailboxMissing(error: unknown): error is NodeError {
  return error instanceof NodeError && error.code === 'NOT_FOUND';
}

/** Params of search_all_mailboxes: the mailboxes (or the whole tenant), the search and its fan-out. */
export const searchAllMailboxesInput = z
  .object({
    mailboxes: z
      .array(z.string().min(1).max(512))
      .max(MAX_USERS)
      .optional()
      .meta({ title: 'Mailboxes' })
      .describe('User ids or userPrincipalNames to search; every user with a mailbox (GET /users) when empty.'),
    ...messageQueryFields,
    limitPerMailbox: z.number().int().min(1).max(1000).default(50).meta({ title: 'Max messages per mailbox' }).describe('Stop after this many messages in each mailbox.'),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(MAX_MAILBOX_CONCURRENCY)
      .default(MAX_MAILBOX_CONCURRENCY)
      .meta({ title: 'Mailboxes at once' })
      .describe('Mailboxes searched at once (Graph allows at most 4 concurrent requests).'),
  })
  .refine((input) => !searchConflict(input), { message: SEARCH_CONFLICT_MESSAGE, path: ['$search'] });

/** The same search in many mailboxes: where did this sender's (or URL's) mail land? */
export const searchAllMailboxes: RunAction<typeof searchAllMailboxesInput> = {
  title: 'Search all mailboxes',
  description:
    'Runs the same $filter or $search in every listed mailbox (or every mailbox of the tenant), four at a time, and returns each match with its mailbox — for finding every copy of a phishing email.',
  effect: 'read',
  input: searchAllMailboxesInput,
  output: searchAllMailboxesOutput,
  example: {
    mailboxesSearched: 3,
    mailboxesWithMatches: ['alice@corp.example', 'bob@corp.example'],
    count: 2,
    truncated: false,
    skipped: [],
    matches: [
      {
        mailbox: 'alice@corp.example',
        id: 'AAMkAGI2TG93AAA=',
        subject: 'Action required: your invoice is overdue',
        from: { emailAddress: { name: 'PayPal Billing', address: 'billing@paypa1-secure.com' } },
        receivedDateTime: '2026-11-27T07:55:12Z',
        internetMessageId: '<CAF=phish-2026-11-27@paypa1-secure.com>',
        parentFolderId: 'AAMkAGI2AAAAAAEMAAA=',
        hasAttachments: true,
      },
      {
        mailbox: 'bob@corp.example',
        id: 'AAMkAGI2TG93AAB=',
        subject: 'Action required: your invoice is overdue',
        from: { emailAddress: { name: 'PayPal Billing', address: 'billing@paypa1-secure.com' } },
        receivedDateTime: '2026-11-27T07:55:12Z',
        internetMessageId: '<CAF=phish-2026-11-27@paypa1-secure.com>',
        parentFolderId: 'AAMkAGI2AAAAAAEMAAB=',
        hasAttachments: true,
      },
    ],
  },
  async run(ctx, input) {
    const credentials = credentialsOf(ctx);
    const listed = input.mailboxes === undefined ? await tenantMailboxes(ctx, credentials) : { mailboxes: [...new Set(input.mailboxes)], skipped: [] };
    const skipped = [...listed.skipped];
    const results = await mapConcurrent(listed.mailboxes, input.concurrency, async (mailbox) => {
      try {
        return { mailbox, ...(await searchMailbox(ctx, credentials, mailbox, input, input.limitPerMailbox)) };
      } catch (error) {
        if (!isMailboxMissing(error)) throw error;
        skipped.push({ mailbox, reason: error.message });
        return { mailbox, messages: [], truncated: false };
      }
    });
    const missing = skipped.length - listed.skipped.length;
    const matches = results.flatMap((result) => result.messages.map((message) => ({ mailbox: result.mailbox, ...message })));
    return {
      mailboxesSearched: listed.mailboxes.length - missing,
      mailboxesWithMatches: results.filter((r) => r.messages.length > 0).map((r) => r.mailbox),
      count: matches.length,
      truncated: results.some((r) => r.truncated),
      skipped,
      matches,
    };
  },
};
