import { scenario } from '../scenario.ts';
import type { TwinDefinition, TwinRequest, TwinResponse } from '../twin.ts';

/**
 * Slack Web API twin (docs.slack.dev/reference/methods): `POST /api/chat.postMessage` (JSON or form)
 * and `/api/conversations.history` (GET or POST, cursor-paged). Auth is `Authorization: Bearer xoxb-…`;
 * refusals come as HTTP 200 `{ok:false, error}` (`not_authed`, `invalid_auth`, `missing_scope` with
 * `needed`/`provided`, `channel_not_found`, `not_in_channel`, `is_archived`, `no_text`, `invalid_blocks`…).
 * chat.postMessage allows about one message per second per channel with short bursts: each channel
 * has a bucket of SLACK_BURST messages refilled at one a second, and an empty one answers 429 with
 * `Retry-After` and `{ok:false, error:"ratelimited"}`.
 */

/** A message as conversations.history returns it. */
export interface SlackMessage {
  type: 'message';
  ts: string;
  text: string;
  user: string;
  team: string;
  bot_id?: string;
  app_id?: string;
  bot_profile?: Record<string, unknown>;
  blocks?: unknown[];
  thread_ts?: string;
  reply_count?: number;
  reply_users?: string[];
  latest_reply?: string;
  subtype?: string;
}

interface Channel {
  id: string;
  name: string;
  is_member: boolean;
  is_archived: boolean;
  /** Oldest first, thread replies included. */
  messages: SlackMessage[];
}

/** Everything the Slack twin remembers; `/_lab/state` serves it. */
export interface SlackTwinState {
  team: string;
  channels: Record<string, Channel>;
  /** Messages posted so far (makes each ts unique and increasing). */
  seq: number;
  /** Epoch seconds the twin's timestamps count from. */
  epoch: number;
  /** chat.postMessage rate buckets per channel id: tokens left and when they were counted (real ms). */
  buckets: Record<string, { tokens: number; at: number }>;
}

/** The bot token the twin accepts, with every scope the connector uses. */
export const slackLabCredentials = { token: 'xoxb-1000000001-2000000002-LabSwitchboardBotToken' };
/** A token that can read but not post: chat.postMessage answers `missing_scope`. */
export const slackLabReadOnlyToken = 'xoxb-1000000001-2000000003-LabReadOnlyBotToken';
/** Messages a channel accepts at once before the one-a-second limit bites. */
export const SLACK_BURST = 10;

/** The channels of the lab workspace; the bot is a member of all but #general. */
export const SLACK_CHANNELS = { socAlerts: 'C0SOCALERT1', itHelpdesk: 'C0ITHELPDSK', general: 'C0GENERAL01' } as const;

const SCOPES: Record<string, string[]> = {
  [slackLabCredentials.token]: ['chat:write', 'channels:history', 'groups:history', 'channels:read'],
  [slackLabReadOnlyToken]: ['channels:history', 'channels:read'],
};
const TEAM = 'T0CORPEXMPL';
const BOT = { user: 'U0SWBOT0001', bot_id: 'B0SWBOT0001', app_id: 'A0SWBOT0001' };
const ALICE = 'U0ALICE0001';
const MAX_TEXT = 40_000;

function epochSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

function initialState(): SlackTwinState {
  const reported = epochSeconds(scenario.phishing.receivedAt) + 5 * 60;
  const channel = (id: string, name: string, isMember: boolean, messages: SlackMessage[] = []): Channel => ({ id, name, is_member: isMember, is_archived: false, messages });
  return {
    team: TEAM,
    channels: {
      [SLACK_CHANNELS.socAlerts]: channel(SLACK_CHANNELS.socAlerts, 'soc-alerts', true),
      [SLACK_CHANNELS.itHelpdesk]: channel(SLACK_CHANNELS.itHelpdesk, 'it-helpdesk', true, [
        {
          type: 'message',
          ts: `${reported}.000100`,
          user: ALICE,
          team: TEAM,
          text: `Got an email "${scenario.phishing.subject}" from ${scenario.phishing.sender} with an attachment, is this legit?`,
        },
      ]),
      [SLACK_CHANNELS.general]: channel(SLACK_CHANNELS.general, 'general', false),
    },
    seq: 0,
    epoch: epochSeconds(scenario.login.time) + 10 * 60,
    buckets: {},
  };
}

/** A Web API refusal: HTTP 200 with `ok: false` (plus e.g. `needed`/`provided`). */
function refuse(error: string, extra: Record<string, unknown> = {}): TwinResponse {
  return { status: 200, body: { ok: false, error, ...extra } };
}

function tokenOf(req: TwinRequest): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers['authorization'] ?? '');
  return match?.[1];
}

/** `missing_scope` unless the request's token has `scope`. */
function needScope(req: TwinRequest, scope: string): TwinResponse | undefined {
  const scopes = SCOPES[tokenOf(req) ?? ''] ?? [];
  return scopes.includes(scope) ? undefined : refuse('missing_scope', { needed: scope, provided: scopes.join(',') });
}

/** Arguments from the JSON or form body, falling back to the query string. */
function args(req: TwinRequest): Record<string, unknown> {
  const body = req.body !== null && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
  return { ...Object.fromEntries(req.query), ...body };
}

/** A channel by id, `#name` or name (chat.postMessage accepts names; history wants ids). */
function findChannel(state: SlackTwinState, ref: unknown, byName: boolean): Channel | undefined {
  if (typeof ref !== 'string' || ref === '') return undefined;
  const direct = state.channels[ref];
  if (direct !== undefined || !byName) return direct;
  const name = ref.replace(/^#/, '');
  return Object.values(state.channels).find((c) => c.name === name);
}

/** Takes one message from the channel's bucket; returns the seconds to wait when it is empty. */
export function takeToken(state: SlackTwinState, channel: string, nowMs: number, burst = SLACK_BURST): number | undefined {
  const bucket = state.buckets[channel] ?? { tokens: burst, at: nowMs };
  const tokens = Math.min(burst, bucket.tokens + Math.max(0, nowMs - bucket.at) / 1000);
  if (tokens < 1) {
    state.buckets[channel] = { tokens, at: nowMs };
    return Math.max(1, Math.ceil(1 - tokens));
  }
  state.buckets[channel] = { tokens: tokens - 1, at: nowMs };
  return undefined;
}

/** Blocks as sent (a JSON string in a form post); undefined when absent, null when malformed. */
function blocksOf(value: unknown): unknown[] | undefined | null {
  if (value === undefined || value === '') return undefined;
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!Array.isArray(parsed)) return null;
  return parsed.every((b) => b !== null && typeof b === 'object' && typeof (b as { type?: unknown }).type === 'string') ? parsed : null;
}

function postMessage(req: TwinRequest, state: SlackTwinState): TwinResponse {
  const scope = needScope(req, 'chat:write');
  if (scope) return scope;
  const a = args(req);
  const channel = findChannel(state, a['channel'], true);
  if (channel === undefined) return refuse('channel_not_found');
  if (channel.is_archived) return refuse('is_archived');
  if (!channel.is_member) return refuse('not_in_channel');
  const blocks = blocksOf(a['blocks']);
  if (blocks === null) return refuse('invalid_blocks', { response_metadata: { messages: ['[ERROR] blocks must be an array of objects with a type'] } });
  const text = typeof a['text'] === 'string' ? a['text'] : '';
  if (text.trim() === '' && (blocks === undefined || blocks.length === 0)) return refuse('no_text');
  if (text.length > MAX_TEXT) return refuse('msg_too_long');
  const wait = takeToken(state, channel.id, Date.now());
  if (wait !== undefined) return slackTwin.rateLimited(wait);

  state.seq += 1;
  const ts = `${state.epoch + state.seq}.${String(state.seq * 100).padStart(6, '0')}`;
  const message: SlackMessage = {
    user: BOT.user,
    type: 'message',
    ts,
    bot_id: BOT.bot_id,
    app_id: BOT.app_id,
    text,
    team: state.team,
    bot_profile: { id: BOT.bot_id, app_id: BOT.app_id, name: 'Switchboard', deleted: false, team_id: state.team },
  };
  if (blocks !== undefined) message.blocks = blocks;
  const threadTs = typeof a['thread_ts'] === 'string' && a['thread_ts'] !== '' ? a['thread_ts'] : undefined;
  if (threadTs !== undefined) {
    message.thread_ts = threadTs;
    const parent = channel.messages.find((m) => m.ts === threadTs);
    if (parent !== undefined) {
      parent.thread_ts = parent.ts;
      parent.reply_count = (parent.reply_count ?? 0) + 1;
      parent.reply_users = [...new Set([...(parent.reply_users ?? []), BOT.user])];
      parent.latest_reply = ts;
    }
    if (a['reply_broadcast'] === true || a['reply_broadcast'] === 'true') message.subtype = 'thread_broadcast';
  }
  channel.messages.push(message);
  return { body: { ok: true, channel: channel.id, ts, message } };
}

function cursorFor(ts: string): string {
  return Buffer.from(`next_ts:${ts}`).toString('base64');
}

function tsFromCursor(cursor: string): string | undefined {
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  const match = /^next_ts:(\d+\.\d+)$/.exec(decoded);
  return match?.[1];
}

function history(req: TwinRequest, state: SlackTwinState): TwinResponse {
  const scope = needScope(req, 'channels:history');
  if (scope) return scope;
  const a = args(req);
  const channel = findChannel(state, a['channel'], false);
  if (channel === undefined) return refuse('channel_not_found');
  if (!channel.is_member) return refuse('not_in_channel');
  const limit = Math.min(999, Math.max(1, Number(a['limit'] ?? 100) || 100));
  const inclusive = a['inclusive'] === true || a['inclusive'] === 'true' || a['inclusive'] === '1';
  const oldest = Number(a['oldest'] ?? 0);
  const latest = a['latest'] === undefined ? Infinity : Number(a['latest']);
  let upTo = Infinity;
  if (typeof a['cursor'] === 'string' && a['cursor'] !== '') {
    const from = tsFromCursor(a['cursor']);
    if (from === undefined) return refuse('invalid_cursor');
    upTo = Number(from);
  }
  const visible = channel.messages
    .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts || m.subtype === 'thread_broadcast')
    .filter((m) => {
      const at = Number(m.ts);
      return (inclusive ? at >= oldest && at <= latest : at > oldest && at < latest) && at <= upTo;
    })
    .reverse();
  const page = visible.slice(0, limit);
  const next = visible[limit];
  return {
    body: {
      ok: true,
      messages: page,
      has_more: next !== undefined,
      pin_count: 0,
      channel_actions_ts: null,
      channel_actions_count: 0,
      response_metadata: { next_cursor: next === undefined ? '' : cursorFor(next.ts) },
    },
  };
}

/** The Slack Web API twin: channels with their messages, ok:false refusals and per-channel rate limits. */
export const slackTwin: TwinDefinition<SlackTwinState> = {
  id: 'slack',
  name: 'Slack',
  initialState,
  authenticate: (req) => {
    const token = tokenOf(req);
    // Source: slackapi/slack-api-specs web-api/slack_web_openapi_v2.json (not_authed, invalid_auth in each method's error enum, HTTP 200).
    if (token === undefined) return refuse('not_authed');
    return SCOPES[token] === undefined ? refuse('invalid_auth') : undefined;
  },
  // Source: python-slack-sdk tests/slack_sdk/web/mock_web_api_handler.py: 429, retry-after, {"ok":false,"error":"ratelimited"}
  // (the OpenAPI's `rate_limited` is chat.postMessage's HTTP-200 refusal, not the 429).
  rateLimited: (retryAfterSeconds) => ({ status: 429, headers: { 'Retry-After': String(retryAfterSeconds) }, body: { ok: false, error: 'ratelimited' } }),
  notFound: (req) => ({ status: 404, body: { ok: false, error: 'unknown_method', req_method: req.path.replace(/^\/api\//, '') } }),
  routes: [
    { method: 'POST', path: '/api/chat.postMessage', handler: postMessage },
    { method: 'GET', path: '/api/conversations.history', handler: history },
    { method: 'POST', path: '/api/conversations.history', handler: history },
  ],
};
