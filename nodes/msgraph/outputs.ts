import * as z from 'zod';

/**
 * What the Microsoft Graph mail actions output, for validation of `nodes.<id>.output.…`
 * references. Messages carry the fields their `$select` asked for: open.
 */

const message = z.record(z.string(), z.unknown()).describe('A message with the fields $select asked for (id, subject, from, receivedDateTime…).');

/** Search messages in a mailbox (search-messages.ts). */
export const searchMessagesOutput = z.object({
  userId: z.string(),
  count: z.number(),
  truncated: z.boolean().describe('More messages matched than `limit`.'),
  messages: z.array(message),
});

/** Search all mailboxes (search-all-mailboxes.ts). */
export const searchAllMailboxesOutput = z.object({
  mailboxesSearched: z.number(),
  mailboxesWithMatches: z.array(z.string()),
  count: z.number(),
  truncated: z.boolean(),
  skipped: z.array(z.object({ mailbox: z.string(), reason: z.string() })).describe('Mailboxes that could not be searched, and why.'),
  matches: z.array(message).describe('Each matching message with its `mailbox`.'),
});

const attachment = z.object({
  '@odata.type': z.string().nullable(),
  id: z.string().nullable(),
  name: z.string().nullable(),
  contentType: z.string().nullable(),
  size: z.number().nullable(),
  isInline: z.boolean(),
  sha256: z.string().nullable(),
  sha1: z.string().nullable(),
  md5: z.string().nullable(),
  contentBytes: z.string().optional().describe('Base64 content; only with includeContentBytes.'),
});

/** Get message with attachments (get-message.ts): Graph's message, plus the URLs of its body and hashed attachments. */
export const getMessageOutput = z.looseObject({
  mailbox: z.string(),
  urls: z.array(z.string()).describe('URLs found in the body.'),
  attachments: z.array(attachment),
});

/** Move message (move-message.ts): Graph gives the moved message a new id. */
export const moveMessageOutput = z.object({
  mailbox: z.string(),
  previousId: z.string(),
  destinationId: z.string(),
  id: z.unknown().describe('The message id in its new folder.'),
  parentFolderId: z.unknown(),
  subject: z.unknown(),
  internetMessageId: z.unknown(),
  moved: z.boolean(),
});
