import * as z from 'zod';
import type { NodeTypeSpec } from '../../engine/node-type.ts';

/** Shortest interval between two polls: a source is never hammered. */
export const MIN_POLL_INTERVAL_SECONDS = 10;

/** The time span one poll reads, in epoch ms: from the cursor minus the look-back window, to now. */
export interface PollWindow {
  from: number;
  to: number;
  /** The trigger's own cursor value committed by the last poll (a timestamp, a page token), when its spec keeps one. */
  cursor?: string;
}

/** One item a poll found: its dedupe key (the vendor's id), its time at the source, and what the run's `trigger` holds. */
export interface PolledItem {
  key: string;
  /** Epoch ms of the item at the source (`_time`, `@timestamp`, `receivedDateTime`), when it has one. */
  time?: number;
  payload: unknown;
}

/**
 * A polling trigger (DESIGN.md §10): which connector action it calls, how a window becomes that
 * action's input, and how the action's output becomes items. The host's poller runs the action
 * through the SDK (credential, egress policy, vendor error messages), so no request is written twice.
 */
export interface PollSpec<P = Record<string, unknown>> {
  /** The trigger node's type (`splunk.notable_trigger@1`). */
  type: string;
  /** The node type of the action each poll calls (`splunk.list_notable_events@1`). */
  action: string;
  /** The trigger's params schema (the node's input). */
  params: z.ZodType<P>;
  /** The action's input for one poll. */
  input(params: P, window: PollWindow): Record<string, unknown>;
  /** The items of the action's output; `dedupeField` names each one. May be async (a JSONata evaluation). */
  items(output: unknown, params: P): PolledItem[] | Promise<PolledItem[]>;
  /**
   * The trigger's own cursor after this poll (committed with its events, handed to the next poll's
   * input as `window.cursor`); undefined keeps the previous value. Specs without it keep none.
   */
  cursor?(output: unknown, params: P, previous: string | undefined): string | undefined | Promise<string | undefined>;
  /** What the trigger reads, for health (`index=notable every 60 s`). */
  describe(params: P): string;
}

/** Params every polling trigger has: interval, look-back window and dedupe field (default: the vendor's id). */
export function pollParams(defaultDedupeField: string) {
  return {
    intervalSeconds: z
      .int()
      .min(MIN_POLL_INTERVAL_SECONDS)
      .max(86_400)
      .default(60)
      .meta({ title: 'Poll every (seconds)' })
      .describe(`Seconds between polls (at least ${MIN_POLL_INTERVAL_SECONDS}).`),
    lookbackSeconds: z
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(600)
      .meta({ title: 'Look-back window (seconds)' })
      .describe('Each poll reads from the last one minus this window, so items indexed late (or stamped by a clock behind ours) still arrive.'),
    dedupeField: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z_@][\w@.-]*$/, 'must be a field name or a dotted path, e.g. event_id')
      .default(defaultDedupeField)
      .meta({ title: 'ID field' })
      .describe(`Field of each item that identifies it; an item seen before is not run again (default ${defaultDedupeField}).`),
  };
}

/** The value at a dotted path (`_source.kibana.alert.uuid`), as text; undefined when absent or not a scalar. */
export function fieldText(item: unknown, path: string): string | undefined {
  let value: unknown = item;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  if (Array.isArray(value)) value = value[0];
  return typeof value === 'string' ? (value === '' ? undefined : value) : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** An item's time from a field holding ISO text or epoch seconds; undefined when it holds neither. */
export function fieldTime(item: unknown, path: string): number | undefined {
  const text = fieldText(item, path);
  if (text === undefined) return undefined;
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * The items of a vendor's list (anything but an array gives none): each keyed by its `dedupeField`
 * (an item without one is left out), timed by the field at `timePath`, carried as `payloadOf(item)`.
 */
export function polledItems(list: unknown, dedupeField: string, timePath: string, payloadOf: (item: unknown) => unknown = (item) => item): PolledItem[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown) => {
    const key = fieldText(item, dedupeField);
    const time = fieldTime(item, timePath);
    return key === undefined ? [] : [{ key, payload: payloadOf(item), ...(time !== undefined ? { time } : {}) }];
  });
}

/** The trigger node of a poll spec: its params form, its credential slot, and the item as its output. */
export function pollTriggerNode<P>(
  spec: PollSpec<P>,
  node: { connector: string; title: string; description: string; category: string; example: unknown; credentials: NonNullable<NodeTypeSpec['credentials']> },
): NodeTypeSpec<P, unknown> {
  const [, action = spec.type] = /^[^.]+\.([^@]+)@/.exec(spec.type) ?? [];
  return {
    type: spec.type,
    connector: node.connector,
    action,
    title: node.title,
    description: node.description,
    category: node.category,
    kind: 'trigger',
    effect: 'read',
    input: spec.params,
    credentials: node.credentials,
    example: node.example,
    ports: () => ['out'],
    timing: 'instant',
    idempotent: true,
    run: (ctx) => ctx.trigger,
  };
}
