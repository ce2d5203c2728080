import * as z from 'zod';
import { compileExpression, evaluateExpression, type CompiledExpression } from '../../engine/expressions/expression.ts';
import type { ExpressionLimits, ExpressionScope } from '../../engine/expressions/types.ts';
import { NodeError } from '../../engine/errors.ts';
import type { NodeTypeSpec } from '../../engine/node-type.ts';
import { pollParams, pollTriggerNode, type PolledItem, type PollSpec } from '../sdk/poll-trigger.ts';
import { HTTP_CREDENTIAL_BINDING, httpGetInput, type HttpOutput } from './http.ts';

/** Most items one poll may take: a larger answer fails the poll (narrow the request) rather than dropping any. */
export const MAX_ITEMS_PER_POLL = 10_000;

/** Budget of each expression over a response: the engine's limits for one step. */
const LIMITS: ExpressionLimits = { timeoutMs: 1_000, maxDepth: 200 };

/** A bare JSONata param: it must parse, and the message names the syntax error. */
function jsonata(what: string) {
  return z
    .string()
    .min(1)
    .max(2_000)
    .superRefine((text, ctx) => {
      try {
        compileExpression(text, what);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      }
    });
}

/** Params of the generic HTTP poll: the request (as core.http_get), where the cursor goes, and JSONata over the answer. */
export const httpPollTriggerInput = z.strictObject({
  ...pollParams('id'),
  url: z
    .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' })
    .max(8_192)
    .meta({ title: 'URL' })
    .describe('The endpoint polled with GET, e.g. https://api.example.com/v1/alerts.'),
  query: httpGetInput.shape.query,
  headers: httpGetInput.shape.headers,
  auth: httpGetInput.shape.auth,
  apiKeyHeader: httpGetInput.shape.apiKeyHeader,
  apiKeyQuery: httpGetInput.shape.apiKeyQuery,
  timeoutMs: httpGetInput.shape.timeoutMs,
  cursorParam: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .meta({ title: 'Cursor parameter' })
    .describe('Query parameter that carries the cursor on every poll, e.g. since, after or page_token (absent: the cursor is not sent).'),
  initialCursor: z
    .string()
    .min(1)
    .max(2_000)
    .optional()
    .meta({ title: 'First cursor' })
    .describe('Cursor sent before the first value of `cursor` is known (default: now minus the look-back, ISO-8601).'),
  items: jsonata('params.items').default('$').meta({ title: 'Items' }).describe('JSONata over the response body giving the list of items, e.g. data.alerts (default: the body itself).'),
  cursor: jsonata('params.cursor')
    .optional()
    .meta({ title: 'Next cursor' })
    .describe('JSONata over the response body giving the next cursor, e.g. $max(data.alerts.created) or next_token; absent: the window start is sent.'),
  dedupeField: jsonata('params.dedupeField').default('id').meta({ title: 'ID field' }).describe('JSONata path into each item giving the vendor’s id; an item seen before is not run again (default id).'),
});

/** The generic HTTP poll's params after defaults. */
export type HttpPollTriggerParams = z.output<typeof httpPollTriggerInput>;

/** Evaluates a param's bare JSONata with `input` (the response body, or one item) as its root `$`. */
function evaluateOver(expression: CompiledExpression, input: unknown): Promise<unknown> {
  // The expression reads the vendor's JSON, not a run's scope: its root is the body itself.
  return evaluateExpression(expression, input as ExpressionScope, LIMITS);
}

/**
 * The cursor sent by a poll: the last committed value of the `cursor` expression (or
 * `initialCursor` before there is one); without a `cursor` expression, the window's start as ISO-8601.
 */
export function cursorToSend(params: HttpPollTriggerParams, window: { from: number; cursor?: string }): string {
  const since = new Date(window.from).toISOString();
  if (params.cursor === undefined) return since;
  return window.cursor ?? params.initialCursor ?? since;
}

/** A JSON scalar as key or cursor text; undefined for no value; an error naming `path` for anything else. */
function scalarText(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new NodeError('INVALID_INPUT', `${path} must give text or a number, not ${Array.isArray(value) ? 'a list' : 'an object'}`);
}

/**
 * Any JSON API polled with GET through `core.http_get` (the optional http credential is sent to its
 * own hosts only): `items` picks the new items out of the body, `dedupeField` names each one, and
 * `cursor` gives the value the next poll sends in `cursorParam` (a newest timestamp, a page token).
 */
export const httpPoll: PollSpec<HttpPollTriggerParams> = {
  type: 'core.http_poll_trigger@1',
  action: 'core.http_get@1',
  params: httpPollTriggerInput,
  input: (params, window) => {
    const query = { ...params.query, ...(params.cursorParam !== undefined ? { [params.cursorParam]: cursorToSend(params, window) } : {}) };
    return {
      method: 'GET',
      url: params.url,
      ...(Object.keys(query).length > 0 ? { query } : {}),
      ...(params.headers !== undefined ? { headers: params.headers } : {}),
      auth: params.auth,
      apiKeyHeader: params.apiKeyHeader,
      ...(params.apiKeyQuery !== undefined ? { apiKeyQuery: params.apiKeyQuery } : {}),
      ...(params.timeoutMs !== undefined ? { timeoutMs: params.timeoutMs } : {}),
      responseType: 'json',
    };
  },
  items: async (output, params) => {
    const found = await evaluateOver(compileExpression(params.items, 'params.items'), (output as HttpOutput).body);
    const list = found === undefined ? [] : Array.isArray(found) ? found : [found];
    if (list.length > MAX_ITEMS_PER_POLL) {
      throw new NodeError('INVALID_INPUT', `params.items gave ${list.length} items, more than ${MAX_ITEMS_PER_POLL} per poll: narrow the request`);
    }
    const dedupe = compileExpression(params.dedupeField, 'params.dedupeField');
    const items: PolledItem[] = [];
    for (const [index, item] of list.entries()) {
      const key = scalarText(await evaluateOver(dedupe, item), 'params.dedupeField');
      if (key === undefined) throw new NodeError('INVALID_INPUT', `params.dedupeField "${params.dedupeField}" gives no value for item ${index} of params.items`);
      items.push({ key, payload: item });
    }
    return items;
  },
  cursor: async (output, params) =>
    params.cursor === undefined ? undefined : scalarText(await evaluateOver(compileExpression(params.cursor, 'params.cursor'), (output as HttpOutput).body), 'params.cursor'),
  describe: (params) => {
    const url = new URL(params.url);
    return `GET ${url.origin}${url.pathname} every ${params.intervalSeconds} s, look-back ${params.lookbackSeconds} s`;
  },
};

/** The trigger node: starts the playbook once per new item of the endpoint's answer; its output is the item. */
export const httpPollTrigger: NodeTypeSpec<HttpPollTriggerParams, unknown> = pollTriggerNode(httpPoll, {
  connector: 'core',
  title: 'HTTP poll trigger',
  description:
    'Polls any JSON API with GET every interval and starts the playbook once for each new item (items: JSONata over the body; deduplicated on dedupeField; the cursor expression’s value is sent in cursorParam on the next poll). Outputs the item.',
  category: 'core',
  example: { id: 'evt-1042', type: 'alert', severity: 'high', created: '2026-11-27T08:02:41Z', title: 'Impossible travel for alice' },
  credentials: HTTP_CREDENTIAL_BINDING,
});
