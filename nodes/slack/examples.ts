/**
 * Example outputs in the shapes of the Slack Web API reference (docs.slack.dev/reference/methods/
 * chat.postMessage and conversations.history): they document each action and stand in for a post in a dry run.
 */

const MESSAGE = {
  user: 'U0SWBOT0001',
  type: 'message',
  ts: '1795767243.000100',
  bot_id: 'B0SWBOT0001',
  app_id: 'A0SWBOT0001',
  text: ':rotating_light: Suspicious login for alice@corp.example from 185.220.101.45 — IP blocked, user suspended, SEC-1 opened.',
  team: 'T0CORPEXMPL',
  bot_profile: { id: 'B0SWBOT0001', app_id: 'A0SWBOT0001', name: 'Switchboard', deleted: false, team_id: 'T0CORPEXMPL' },
};

export const POST_MESSAGE_EXAMPLE = {
  ok: true,
  channel: 'C0SOCALERT1',
  ts: MESSAGE.ts,
  message: MESSAGE,
};

export const CONVERSATIONS_HISTORY_EXAMPLE = {
  ok: true,
  channel: 'C0SOCALERT1',
  count: 1,
  has_more: false,
  messages: [MESSAGE],
};
