import { describe, expect, it } from 'vitest';
import { scenario } from '../../../lab/scenario.ts';
import { SLACK_BURST, SLACK_CHANNELS, slackLabCredentials, slackLabReadOnlyToken, slackTwin, takeToken } from '../../../lab/twins/slack.ts';
import type { SlackMessage } from '../../../lab/twins/slack.ts';
import { slackErrorCode, slackErrorText } from '../../../nodes/slack/errors.ts';
import { slackConnector } from '../../../nodes/slack/index.ts';
import { useTwin } from '../../support/twin-fixture.ts';

const { twin, credentials, run, simulate, fault } = useTwin(slackConnector, slackTwin, slackLabCredentials);

function directPost(body: Record<string, unknown>, token = slackLabCredentials.token): Promise<Response> {
  return fetch(`${twin().url}/api/chat.postMessage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  });
}

const ALERT_TEXT = `:rotating_light: Suspicious login for ${scenario.login.user} from ${scenario.login.maliciousIp}: IP blocked, user suspended.`;

const messagesIn = (channel: string): SlackMessage[] => twin().state().channels[channel]?.messages ?? [];

describe('slack connector against its twin', () => {
  it('marks the token as the only secret and points the lab credential at the twin under /api', () => {
    expect(slackConnector.secretFields).toEqual(['token']);
    expect(credentials()).toEqual({ ...slackLabCredentials, baseUrl: `${twin().url}/api` });
    expect(slackConnector.specs.map((s) => [s.action, s.effect])).toEqual([
      ['post_message', 'write'],
      ['conversations_history', 'read'],
    ]);
  });

  it('posts to #soc-alerts and reads the message back from the channel history', async () => {
    const { node } = await run('post_message', { channel: SLACK_CHANNELS.socAlerts, text: ALERT_TEXT });
    expect(node.status).toBe('succeeded');
    const out = node.output as { ok: boolean; channel: string; ts: string; message: SlackMessage };
    expect(out).toMatchObject({ ok: true, channel: 'C0SOCALERT1', message: { type: 'message', text: ALERT_TEXT, bot_id: 'B0SWBOT0001' } });
    expect(out.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(out.message.ts).toBe(out.ts);
    expect(twin().requests).toEqual([{ method: 'POST', path: '/api/chat.postMessage' }]);

    const history = await run('conversations_history', { channel: SLACK_CHANNELS.socAlerts });
    expect(history.node.output).toMatchObject({ ok: true, channel: 'C0SOCALERT1', count: 1, has_more: false, messages: [{ ts: out.ts, text: ALERT_TEXT }] });
  });

  it('posts by channel name and lists newest first, after what was already there', async () => {
    const { node } = await run('post_message', { channel: '#it-helpdesk', text: 'Thanks Alice, it is phishing: the email was quarantined.' });
    expect(node.output).toMatchObject({ channel: SLACK_CHANNELS.itHelpdesk });
    const { node: read } = await run('conversations_history', { channel: SLACK_CHANNELS.itHelpdesk });
    const messages = (read.output as { messages: SlackMessage[] }).messages;
    expect(messages.map((m) => m.user)).toEqual(['U0SWBOT0001', 'U0ALICE0001']);
    expect(messages[1]?.text).toContain(scenario.phishing.sender);
  });

  it('posts Block Kit blocks and thread replies, which stay out of the channel history', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: `*Blocked* \`${scenario.login.maliciousIp}\`` } }];
    const parent = await run('post_message', { channel: SLACK_CHANNELS.socAlerts, text: 'Blocked an IP', blocks });
    const parentTs = (parent.node.output as { ts: string }).ts;
    const reply = await run('post_message', { channel: SLACK_CHANNELS.socAlerts, text: 'Ticket SEC-1 opened.', thread_ts: parentTs });
    expect(reply.node.output).toMatchObject({ message: { thread_ts: parentTs } });
    const stored = messagesIn(SLACK_CHANNELS.socAlerts);
    expect(stored[0]).toMatchObject({ blocks, reply_count: 1, thread_ts: parentTs });
    const { node } = await run('conversations_history', { channel: SLACK_CHANNELS.socAlerts });
    expect((node.output as { messages: SlackMessage[] }).messages.map((m) => m.ts)).toEqual([parentTs]);
  });

  it('follows the history cursor up to the limit', async () => {
    const channel = twin().state().channels[SLACK_CHANNELS.socAlerts]!;
    for (let i = 1; i <= 450; i++) channel.messages.push({ type: 'message', ts: `1795000000.${String(i).padStart(6, '0')}`, user: 'U0ALICE0001', team: 'T0CORPEXMPL', text: `m${i}` });

    const all = await run('conversations_history', { channel: channel.id, limit: 1000 });
    const out = all.node.output as { count: number; has_more: boolean; messages: SlackMessage[] };
    expect(out).toMatchObject({ count: 450, has_more: false });
    expect(out.messages[0]?.text).toBe('m450');
    expect(out.messages[449]?.text).toBe('m1');
    expect(twin().requests).toHaveLength(3);

    twin().requests.length = 0;
    const some = await run('conversations_history', { channel: channel.id, limit: 250 });
    expect(some.node.output).toMatchObject({ count: 250, has_more: true });
    expect(twin().requests).toHaveLength(2);
  });

  it('maps channel_not_found to NOT_FOUND without retrying', async () => {
    const { node, sleeps } = await run('post_message', { channel: '#no-such-channel', text: 'hello' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'NOT_FOUND', status: 200, message: 'Slack channel_not_found' });
    expect(sleeps).toEqual([]);
  });

  it("surfaces not_in_channel as Slack's code, without retrying", async () => {
    const { node, sleeps } = await run('post_message', { channel: SLACK_CHANNELS.general, text: 'hello' });
    expect(node.error).toMatchObject({ code: 'BAD_REQUEST', message: 'Slack not_in_channel' });
    expect(sleeps).toEqual([]);
    expect(messagesIn(SLACK_CHANNELS.general)).toEqual([]);
  });

  it('refuses a wrong token with AUTH (invalid_auth sent as HTTP 200), never echoing it', async () => {
    const { node, sleeps } = await run('post_message', { channel: SLACK_CHANNELS.socAlerts, text: 'hello' }, {}, { ...credentials(), token: 'xoxb-not-the-token' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'AUTH', message: 'Slack invalid_auth' });
    expect(JSON.stringify(node.error)).not.toContain('xoxb-not-the-token');
    expect(sleeps).toEqual([]);
    const anonymous = await fetch(`${twin().url}/api/chat.postMessage`, { method: 'POST' });
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  it('names the needed and provided scopes for a token that cannot post', async () => {
    const { node } = await run('post_message', { channel: SLACK_CHANNELS.socAlerts, text: 'hello' }, {}, { ...credentials(), token: slackLabReadOnlyToken });
    expect(node.error).toMatchObject({ code: 'AUTH', message: 'Slack missing_scope (needed: chat:write; provided: channels:history,channels:read)' });
    const read = await run('conversations_history', { channel: SLACK_CHANNELS.itHelpdesk }, {}, { ...credentials(), token: slackLabReadOnlyToken });
    expect(read.node.status).toBe('succeeded');
  });

  it('honours Retry-After on a 429 and then posts once', async () => {
    await fault({ status: 429, headers: { 'retry-after': '2' }, body: slackTwin.rateLimited(2).body, times: 1 });
    const { node, sleeps } = await run('post_message', { channel: SLACK_CHANNELS.socAlerts, text: ALERT_TEXT });
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(2);
    expect(sleeps).toContain(2000);
    expect(messagesIn(SLACK_CHANNELS.socAlerts)).toHaveLength(1);
  });

  it('enforces about one message a second per channel after a short burst', async () => {
    const answers = await Promise.all(Array.from({ length: SLACK_BURST + 1 }, (_, i) => directPost({ channel: SLACK_CHANNELS.socAlerts, text: `burst ${i}` })));
    const limited = answers.filter((r) => r.status === 429);
    expect(limited).toHaveLength(1);
    expect(limited[0]?.headers.get('retry-after')).toBe('1');
    expect(await limited[0]?.json()).toEqual({ ok: false, error: 'ratelimited' });
    expect(messagesIn(SLACK_CHANNELS.socAlerts)).toHaveLength(SLACK_BURST);

    const other = await run('post_message', { channel: SLACK_CHANNELS.itHelpdesk, text: 'another channel has its own budget' });
    expect(other.node.status).toBe('succeeded');
    const same = await run('post_message', { channel: SLACK_CHANNELS.socAlerts, text: 'still too soon' });
    expect(same.node.error).toMatchObject({ code: 'RATE_LIMITED', status: 429, message: 'Slack 429 ratelimited' });
    expect(same.sleeps).toEqual([1000, 1000]);
  });

  it('refills the bucket at one message a second', () => {
    const state = slackTwin.initialState();
    for (let i = 0; i < 3; i++) expect(takeToken(state, 'C1', 0, 3)).toBeUndefined();
    expect(takeToken(state, 'C1', 500, 3)).toBe(1);
    expect(takeToken(state, 'C1', 1000, 3)).toBeUndefined();
    expect(takeToken(state, 'C2', 1000, 3)).toBeUndefined();
  });

  it('retries an ok:false internal_error as a vendor error and surfaces the code', async () => {
    await fault({ path: 'chat.postMessage', status: 200, body: { ok: false, error: 'internal_error' } });
    const { node, sleeps } = await run('post_message', { channel: SLACK_CHANNELS.socAlerts, text: 'hello' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'VENDOR', message: 'Slack internal_error' });
    expect(sleeps).toHaveLength(2);
  });

  it('requires text or blocks before calling Slack, and Slack says no_text too', async () => {
    const { node } = await run('post_message', { channel: SLACK_CHANNELS.socAlerts, text: '  ' });
    expect(node.error?.code).toBe('INVALID_INPUT');
    expect(twin().requests).toEqual([]);
    expect(await (await directPost({ channel: SLACK_CHANNELS.socAlerts })).json()).toEqual({ ok: false, error: 'no_text' });
  });

  it('simulates post_message in a dry run: its example, and nothing reaches Slack', async () => {
    await simulate('post_message', { channel: SLACK_CHANNELS.socAlerts, text: ALERT_TEXT });
    expect(twin().requests).toEqual([]);
    expect(messagesIn(SLACK_CHANNELS.socAlerts)).toEqual([]);
  });
});

describe('slack error mapping', () => {
  it('classes ok:false codes', () => {
    expect(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'missing_scope'].map(slackErrorCode)).toEqual(['AUTH', 'AUTH', 'AUTH', 'AUTH', 'AUTH']);
    expect(slackErrorCode('channel_not_found')).toBe('NOT_FOUND');
    expect(slackErrorCode('ratelimited')).toBe('RATE_LIMITED');
    expect(slackErrorCode('is_archived')).toBe('BAD_REQUEST');
    expect(slackErrorCode('fatal_error')).toBe('VENDOR');
    expect(slackErrorCode('some_new_code')).toBe('VENDOR');
  });

  it("keeps Slack's code and adds needed/provided or the first response_metadata message", () => {
    expect(slackErrorText({ ok: false, error: 'channel_not_found' })).toBe('channel_not_found');
    expect(slackErrorText({ ok: false, error: 'missing_scope', needed: 'chat:write', provided: 'users:read' })).toBe('missing_scope (needed: chat:write; provided: users:read)');
    expect(slackErrorText({ ok: false, error: 'invalid_blocks', response_metadata: { messages: ['[ERROR] bad block'] } })).toBe('invalid_blocks ([ERROR] bad block)');
    expect(slackErrorText({ ok: true })).toBeUndefined();
    expect(slackErrorText('nope')).toBeUndefined();
  });
});
