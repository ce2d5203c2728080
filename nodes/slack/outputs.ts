import * as z from 'zod';

/**
 * What the Slack actions output (actions.ts), for validation of `nodes.<id>.output.…`
 * references. Messages are Slack's own objects: open.
 */

const message = z.record(z.string(), z.unknown()).describe('A Slack message (type, user, text, ts, blocks…).');

/** Post message. */
export const postMessageOutput = z.object({
  ok: z.boolean(),
  channel: z.unknown().describe('Channel id the message went to.'),
  ts: z.unknown().describe('The message timestamp: its id, for replies in thread.'),
  message: message.optional(),
});

/** Read channel history. */
export const conversationsHistoryOutput = z.object({
  ok: z.boolean(),
  channel: z.string(),
  count: z.number(),
  has_more: z.boolean(),
  messages: z.array(message),
});
