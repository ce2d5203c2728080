import * as z from 'zod';
import type { RunAction } from '../sdk/define-connector.ts';
import { graphRequest } from './auth.ts';
import { credentialsOf } from './credentials.ts';
import { userPath } from './paging.ts';
import { moveMessageOutput } from './outputs.ts';

/** Params of move_message: which copy, and the destination folder (Deleted Items unless told). */
export const moveMessageInput = z.object({
  userId: z.string().min(1).max(512).meta({ title: 'Mailbox' }).describe('Mailbox: the user id or userPrincipalName.'),
  messageId: z.string().min(1).max(1024).meta({ title: 'Message ID' }).describe('Graph message id of the copy to move.'),
  destinationId: z
    .string()
    .min(1)
    .max(512)
    .default('deleteditems')
    .meta({ title: 'Destination folder' })
    .describe('Destination folder: a well-known name (deleteditems, junkemail, archive, inbox) or a folder id.'),
});

/** The moved message as Graph answers it; Graph gives it a new id, so the old one is kept beside it. */
export function shapeMoved(userId: string, previousId: string, destinationId: string, moved: Record<string, unknown>): Record<string, unknown> {
  return {
    mailbox: userId,
    previousId,
    destinationId,
    id: moved['id'],
    parentFolderId: moved['parentFolderId'],
    subject: moved['subject'],
    internetMessageId: moved['internetMessageId'],
    moved: true,
  };
}

/** Quarantines one copy of a message by moving it out of the inbox (to Deleted Items or Junk Email). */
export const moveMessage: RunAction<typeof moveMessageInput> = {
  title: 'Move message',
  description:
    "Moves a message to another folder of the same mailbox (deleteditems or junkemail to quarantine it). Graph creates the moved copy with a new id, returned as id; previousId no longer exists.",
  effect: 'write',
  input: moveMessageInput,
  output: moveMessageOutput,
  example: {
    mailbox: 'alice@corp.example',
    previousId: 'AAMkAGI2TG93AAA=',
    destinationId: 'deleteditems',
    id: 'AAMkAGI2TG93AAE1AAA=',
    parentFolderId: 'AAMkAGI2AAAAAAEKAAA=',
    subject: 'Action required: your invoice is overdue',
    internetMessageId: '<CAF=phish-2026-11-27@paypa1-secure.com>',
    moved: true,
  },
  async run(ctx, input) {
    const credentials = credentialsOf(ctx);
    const response = await graphRequest<Record<string, unknown>>(ctx, credentials, {
      method: 'POST',
      url: `${userPath(input.userId)}/messages/${encodeURIComponent(input.messageId)}/move`,
      data: { destinationId: input.destinationId },
      headers: { 'Content-Type': 'application/json' },
    });
    return shapeMoved(input.userId, input.messageId, input.destinationId, response.data);
  },
};
