import * as z from 'zod';
import { defineConnector } from '../sdk/define-connector.ts';
import { secret } from '../sdk/secrets.ts';
import { conversationsHistory, postMessage } from './actions.ts';
import { slackError } from './errors.ts';

/** The Slack credential: the Web API root (replaceable for the lab) and a bot token. */
export const slackCredentials = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://slack.com/api')
    .meta({ title: 'Base URL' })
    .describe('Web API root; change it only to reach a proxy or the lab.'),
  token: secret(z.string().min(1)).meta({ title: 'Bot token' }).describe('Bot token (xoxb-…) of your Slack app, with chat:write (and channels:history to read).'),
});

/** Slack Web API: notify a channel, and read a channel back. */
export const slackConnector = defineConnector({
  id: 'slack',
  name: 'Slack',
  category: 'chat',
  docsUrl: 'https://docs.slack.dev/reference/methods/chat.postMessage',
  description: 'Slack Web API: post messages (text or Block Kit, threads) to channels and read channel history. Errors sent as ok:false are mapped too.',
  credentials: slackCredentials,
  http: (credentials) => ({
    baseURL: credentials.baseUrl,
    headers: { Authorization: `Bearer ${credentials.token}`, Accept: 'application/json' },
  }),
  vendorError: slackError,
  actions: {
    post_message: postMessage,
    conversations_history: conversationsHistory,
  },
});
