import * as z from 'zod';
import type { NodeTypeSpec } from '../../engine/node-type.ts';
import { polledItems, pollParams, pollTriggerNode, type PollSpec } from '../sdk/poll-trigger.ts';
import { URGENCIES } from './actions.ts';
import { splunkCredentials } from './credentials.ts';
import { LIST_NOTABLES_EXAMPLE } from './examples.ts';

/** Params of the notable-events trigger: polling, then the same filters as `list_notable_events`. */
export const notableTriggerInput = z.strictObject({
  ...pollParams('event_id'),
  urgency: z.array(z.enum(URGENCIES)).min(1).optional().meta({ title: 'Urgency' }).describe('Only notables with one of these urgencies.'),
  filter: z.string().min(1).max(10_000).optional().meta({ title: 'Extra filter (SPL)' }).describe('Extra SPL filter applied with | search, e.g. security_domain=access.'),
  limit: z.int().min(1).max(10_000).default(1_000).meta({ title: 'Notables per poll' }).describe('Most notables read per poll.'),
});

/** The notable-events trigger's params after defaults. */
export type NotableTriggerParams = z.output<typeof notableTriggerInput>;

/**
 * New Enterprise Security notables, polled through `list_notable_events` (the `notable` macro) with
 * `earliest_time` at the cursor minus the look-back window, as epoch seconds; each notable is one event.
 */
export const notablePoll: PollSpec<NotableTriggerParams> = {
  type: 'splunk.notable_trigger@1',
  action: 'splunk.list_notable_events@1',
  params: notableTriggerInput,
  input: (params, window) => ({
    earliest_time: (window.from / 1000).toFixed(3),
    latest_time: 'now',
    ...(params.urgency !== undefined ? { urgency: params.urgency } : {}),
    ...(params.filter !== undefined ? { filter: params.filter } : {}),
    limit: params.limit,
  }),
  items: (output, params) => polledItems((output as { notables?: unknown } | undefined)?.notables, params.dedupeField, '_time'),
  describe: (params) => `notable events${params.urgency ? ` (${params.urgency.join(', ')})` : ''} every ${params.intervalSeconds} s, look-back ${params.lookbackSeconds} s`,
};

/** The trigger node: starts the playbook once per new notable; its output is the notable. */
export const notableTrigger: NodeTypeSpec<NotableTriggerParams, unknown> = pollTriggerNode(notablePoll, {
  connector: 'splunk',
  title: 'Splunk notable events trigger',
  description:
    'Starts the playbook once for each new Enterprise Security notable event (polled every interval, reading back over the look-back window so late-indexed notables arrive; deduplicated on event_id). Outputs the notable.',
  category: 'siem',
  example: LIST_NOTABLES_EXAMPLE.notables[0],
  credentials: { connector: 'splunk', required: true, schema: splunkCredentials },
});
