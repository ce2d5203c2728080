import { NodeError } from '../../engine/errors.ts';
import type { NodeErrorCode } from '../../engine/errors.ts';
import { unexpectedResponse } from '../sdk/http-errors.ts';

/** The Web API envelope: every answer has `ok`; a refusal names its `error` code (docs.slack.dev/apis/web-api). */
export interface SlackEnvelope {
  ok?: unknown;
  error?: unknown;
  needed?: unknown;
  provided?: unknown;
  warning?: unknown;
  response_metadata?: { messages?: unknown; next_cursor?: unknown };
}

/** The credential cannot do it: fix the token (or its scopes), not the request. */
const AUTH_CODES = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'not_allowed_token_type',
  'ekm_access_denied',
]);

const NOT_FOUND_CODES = new Set(['channel_not_found', 'thread_not_found', 'message_not_found', 'user_not_found']);

/**
 * Refusals of this request that a retry cannot fix (the Web API answers them with HTTP 200, so the
 * status cannot tell): mapped to BAD_REQUEST so the executor does not repeat them.
 */
const REQUEST_CODES = new Set([
  'not_in_channel',
  'is_archived',
  'msg_too_long',
  'no_text',
  'too_many_attachments',
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_arguments',
  'invalid_arg_name',
  'invalid_array_arg',
  'invalid_charset',
  'invalid_form_data',
  'invalid_post_type',
  'missing_post_type',
  'invalid_cursor',
  'invalid_ts_latest',
  'invalid_ts_oldest',
  'restricted_action',
  'cannot_reply_to_message',
]);

/** The error class of a Slack `error` code; unknown codes (internal_error, fatal_error…) stay VENDOR and are retried. */
export function slackErrorCode(error: string): NodeErrorCode {
  if (AUTH_CODES.has(error)) return 'AUTH';
  if (NOT_FOUND_CODES.has(error)) return 'NOT_FOUND';
  if (error === 'ratelimited' || error === 'rate_limited') return 'RATE_LIMITED';
  if (REQUEST_CODES.has(error)) return 'BAD_REQUEST';
  return 'VENDOR';
}

/** `code`, plus what Slack says about it: `needed`/`provided` scopes, or the first response_metadata message. */
export function slackErrorText(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const envelope = body as SlackEnvelope;
  if (typeof envelope.error !== 'string' || envelope.error === '') return undefined;
  const extra: string[] = [];
  if (typeof envelope.needed === 'string') extra.push(`needed: ${envelope.needed}`);
  if (typeof envelope.provided === 'string') extra.push(`provided: ${envelope.provided}`);
  const messages = envelope.response_metadata?.messages;
  if (Array.isArray(messages) && typeof messages[0] === 'string') extra.push(messages[0]);
  return extra.length === 0 ? envelope.error : `${envelope.error} (${extra.join('; ')})`;
}

/** The connector's `vendorError`: Slack's code for HTTP-level failures (a 429 carries `{ok:false, error:"ratelimited"}`). */
export function slackError(_status: number, body: unknown): string | undefined {
  return slackErrorText(body);
}

/**
 * Checks a 200 answer: `ok: false` becomes a NodeError classed by its code, with Slack's code as the
 * message (`Slack channel_not_found`); returns the body when `ok` is true.
 */
export function checkSlackAnswer<T extends SlackEnvelope>(data: unknown, status: number): T {
  const body = data as T | null;
  if (body !== null && typeof body === 'object' && body.ok === true) return body;
  const text = slackErrorText(body);
  if (text === undefined) {
    throw unexpectedResponse('Slack', 'slack', 'no ok field', status);
  }
  const code = slackErrorCode(String((body as SlackEnvelope).error));
  throw new NodeError(code, `Slack ${text}`, { status, vendor: 'slack', details: { body } });
}
