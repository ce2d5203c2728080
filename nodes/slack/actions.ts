import * as z from 'zod';
import type { ConnectorContext, RunAction } from '../sdk/define-connector.ts';
import { checkSlackAnswer } from './errors.ts';
import type { SlackEnvelope } from './errors.ts';
import { CONVERSATIONS_HISTORY_EXAMPLE, POST_MESSAGE_EXAMPLE } from './examples.ts';
import { conversationsHistoryOutput, postMessageOutput } from './outputs.ts';

/** Page size asked of conversations.history (Slack recommends no more than 200). */
export const HISTORY_PAGE_SIZE = 200;

const ts = z.string().regex(/^\d+(\.\d+)?$/, 'must be a Slack timestamp like 1795767243.000100');

/** post_message params, as chat.postMessage spells them; text or blocks is required. */
export const postMessageInput = z
  .strictObject({
    channel: z.string().min(1).max(255).meta({ title: 'Channel' }).describe('Channel ID (C0SOCALERT1) or name (#soc-alerts); the app must be a member.'),
    text: z.string().max(40_000).optional().meta({ title: 'Text' }).describe('Message text in mrkdwn; with blocks it is the notification fallback.'),
    blocks: z
      .array(z.looseObject({ type: z.string().min(1) }))
      .max(50)
      .optional()
      .meta({ title: 'Blocks' })
      .describe('Block Kit layout blocks, e.g. [{ "type": "section", "text": { "type": "mrkdwn", "text": "*Blocked* 185.220.101.45" } }].'),
    thread_ts: ts.optional().meta({ title: 'Thread (ts)' }).describe('ts of the parent message, to reply in its thread.'),
    reply_broadcast: z.boolean().optional().meta({ title: 'Also send to the channel' }).describe('With thread_ts: also show the reply in the channel.'),
    unfurl_links: z
      .boolean()
      .default(false)
      .meta({ title: 'Unfurl links' })
      .describe('Let Slack fetch link previews. Off by default: a preview makes Slack visit the URL, which tips off whoever runs a malicious one.'),
    unfurl_media: z.boolean().default(false).meta({ title: 'Unfurl media' }).describe('Let Slack fetch media previews (off by default, as for links).'),
    mrkdwn: z.boolean().optional().meta({ title: 'Format with mrkdwn' }).describe('Parse mrkdwn in text (Slack defaults to true).'),
  })
  .refine((input) => (input.text !== undefined && input.text.trim() !== '') || (input.blocks !== undefined && input.blocks.length > 0), {
    message: 'text or blocks is required',
    path: ['text'],
  });

/** conversations_history params; `limit` counts messages across pages. */
export const conversationsHistoryInput = z.strictObject({
  channel: z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a channel ID like C0SOCALERT1').meta({ title: 'Channel' }).describe('Channel ID, e.g. C0SOCALERT1.'),
  limit: z.int().min(1).max(1000).default(100).meta({ title: 'Max messages' }).describe('Most messages to return, newest first (pages of up to 200 are followed).'),
  oldest: ts.optional().meta({ title: 'Oldest (ts)' }).describe('Only messages after this ts.'),
  latest: ts.optional().meta({ title: 'Latest (ts)' }).describe('Only messages before this ts.'),
  inclusive: z.boolean().optional().meta({ title: 'Inclusive' }).describe('Include messages exactly at oldest or latest.'),
});

interface PostAnswer extends SlackEnvelope {
  channel?: unknown;
  ts?: unknown;
  message?: unknown;
}

interface HistoryPage extends SlackEnvelope {
  messages?: unknown;
  has_more?: unknown;
}

/** POST /chat.postMessage as JSON; `ok: false` (sent with HTTP 200) becomes a NodeError classed by its code. */
export const postMessage: RunAction<typeof postMessageInput> = {
  title: 'Post message',
  description: 'Posts a message (text and/or Block Kit blocks) to a Slack channel, or as a thread reply. Returns the channel and the message ts.',
  input: postMessageInput,
  effect: 'write',
  output: postMessageOutput,
  example: POST_MESSAGE_EXAMPLE,
  run: async (ctx, input) => {
    const response = await ctx.http.post<unknown>('/chat.postMessage', input, { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
    const answer = checkSlackAnswer<PostAnswer>(response.data, response.status);
    return { ok: true, channel: answer.channel, ts: answer.ts, message: answer.message };
  },
};

/** GET /conversations.history, following `response_metadata.next_cursor` up to `limit`. */
export const conversationsHistory: RunAction<typeof conversationsHistoryInput> = {
  title: 'Read channel history',
  description: "Reads a channel's messages, newest first (thread replies excluded), following Slack's cursor up to `limit`.",
  input: conversationsHistoryInput,
  effect: 'read',
  output: conversationsHistoryOutput,
  example: CONVERSATIONS_HISTORY_EXAMPLE,
  run: async (ctx, input) => {
    const messages: unknown[] = [];
    let cursor: string | undefined;
    let hasMore: boolean;
    do {
      const page = await historyPage(ctx, input, Math.min(HISTORY_PAGE_SIZE, input.limit - messages.length), cursor);
      messages.push(...(Array.isArray(page.messages) ? page.messages : []));
      const next = page.response_metadata?.next_cursor;
      cursor = typeof next === 'string' && next !== '' ? next : undefined;
      hasMore = page.has_more === true || cursor !== undefined;
    } while (cursor !== undefined && messages.length < input.limit);
    const kept = messages.slice(0, input.limit);
    return { ok: true, channel: input.channel, count: kept.length, has_more: hasMore || messages.length > kept.length, messages: kept };
  },
};

async function historyPage(
  ctx: ConnectorContext,
  input: z.output<typeof conversationsHistoryInput>,
  limit: number,
  cursor: string | undefined,
): Promise<HistoryPage> {
  const params: Record<string, string | number | boolean> = { channel: input.channel, limit };
  if (input.oldest !== undefined) params['oldest'] = input.oldest;
  if (input.latest !== undefined) params['latest'] = input.latest;
  if (input.inclusive !== undefined) params['inclusive'] = input.inclusive;
  if (cursor !== undefined) params['cursor'] = cursor;
  const response = await ctx.http.get<unknown>('/conversations.history', { params });
  return checkSlackAnswer<HistoryPage>(response.data, response.status);
}
