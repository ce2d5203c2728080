import * as z from 'zod';
import type { NodeTypeSpec } from '../../engine/node-type.ts';
import { polledItems, pollParams, pollTriggerNode, type PollSpec } from '../sdk/poll-trigger.ts';
import { msgraphCredentials } from './credentials.ts';
import { DEFAULT_MESSAGE_SELECT, searchMessages } from './search-messages.ts';

/** Params of the new-messages trigger: polling, then the mailbox and folder it watches. */
export const messagesTriggerInput = z.strictObject({
  ...pollParams('internetMessageId'),
  userId: z.string().min(1).max(512).meta({ title: 'Mailbox' }).describe('Mailbox to watch: the user id or userPrincipalName, e.g. the reported-phishing mailbox phishing@corp.example.'),
  mailFolder: z
    .string()
    .min(1)
    .max(512)
    .default('inbox')
    .meta({ title: 'Folder' })
    .describe('Folder to watch: a well-known name (inbox, junkemail, archive) or a folder id (default inbox).'),
  from: z.email().optional().meta({ title: 'From' }).describe("Only messages from this sender (from/emailAddress/address eq '…')."),
  limit: z.int().min(1).max(5_000).default(500).meta({ title: 'Messages per poll' }).describe('Most messages read per poll.'),
});

/** The new-messages trigger's params after defaults. */
export type MessagesTriggerParams = z.output<typeof messagesTriggerInput>;

/** An OData DateTimeOffset literal, whole seconds (rounded down, so the window only widens). */
function odataTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * New messages in one mailbox folder, polled through the connector's `search_messages` with
 * `$filter=receivedDateTime ge <cursor minus the look-back>` on `/users/{id}/mailFolders/{folder}/messages`;
 * each message is one event, deduplicated on `internetMessageId` (a copy or move keeps it, the Graph id changes).
 */
export const messagesPoll: PollSpec<MessagesTriggerParams> = {
  type: 'msgraph.messages_trigger@1',
  action: 'msgraph.search_messages@1',
  params: messagesTriggerInput,
  input: (params, window) => ({
    userId: params.userId,
    mailFolder: params.mailFolder,
    $filter: `receivedDateTime ge ${odataTime(window.from)}`,
    ...(params.from !== undefined ? { from: params.from } : {}),
    $select: DEFAULT_MESSAGE_SELECT,
    limit: params.limit,
  }),
  items: (output, params) => polledItems((output as { messages?: unknown } | undefined)?.messages, params.dedupeField, 'receivedDateTime'),
  describe: (params) => `${params.userId} ${params.mailFolder} every ${params.intervalSeconds} s, look-back ${params.lookbackSeconds} s`,
};

/** The trigger node: starts the playbook once per new message in the folder; its output is the message. */
export const messagesTrigger: NodeTypeSpec<MessagesTriggerParams, unknown> = pollTriggerNode(messagesPoll, {
  connector: 'msgraph',
  title: 'New messages in a mailbox folder trigger',
  description:
    'Starts the playbook once for each new message in a mailbox folder, e.g. the reported-phishing mailbox (polled every interval on receivedDateTime, reading back over the look-back window; deduplicated on internetMessageId). Outputs the message (id, subject, from, receivedDateTime, internetMessageId, bodyPreview …).',
  category: 'email',
  example: (searchMessages.example as { messages: unknown[] }).messages[0],
  credentials: { connector: 'msgraph', required: true, schema: msgraphCredentials },
});
