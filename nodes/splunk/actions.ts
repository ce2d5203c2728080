import * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';
import type { RunAction } from '../sdk/define-connector.ts';
import { listNotablesOutput, runSearchOutput, updateNotableOutput } from './outputs.ts';
import { LIST_NOTABLES_EXAMPLE, RUN_SEARCH_EXAMPLE, UPDATE_NOTABLE_EXAMPLE } from './examples.ts';
import { runSearchJob } from './search-job.ts';
import type { SplunkResult } from './search-job.ts';

/** Enterprise Security's urgencies, lowest first (the order `highest_urgency` ranks by). */
export const URGENCIES = ['informational', 'low', 'medium', 'high', 'critical'] as const;

/** Enterprise Security's default review statuses: the id notable_update takes, by label. */
export const REVIEW_STATUSES = { unassigned: 0, new: 1, 'in progress': 2, pending: 3, resolved: 4, closed: 5 } as const;

const timeRange = {
  earliest_time: z
    .string()
    .min(1)
    .default('-24h')
    .meta({ title: 'Earliest time' })
    .describe('Start of the time range: a relative time (-24h, -7d@d) or an absolute time (2026-11-27T00:00:00Z).'),
  latest_time: z.string().min(1).default('now').meta({ title: 'Latest time' }).describe('End of the time range, e.g. now.'),
};

const paging = {
  limit: z.int().min(1).max(50_000).default(100).meta({ title: 'Max results' }).describe('Most result rows to return; the output says `truncated` when the job had more.'),
  count: z.int().min(1).max(50_000).default(1_000).meta({ title: 'Rows per page' }).describe('Rows per results request (Splunk `count`); pages follow with `offset` up to `limit`.'),
  max_wait_seconds: z
    .int()
    .min(1)
    .max(3_600)
    .default(90)
    .meta({ title: 'Wait for the job (seconds)' })
    .describe('How long to wait for the job to finish before cancelling it (keep it under the node timeout, 120 s by default).'),
};

/** Params of `run_search`: the SPL and the job's time range, limits and wait. */
export const runSearchInput = z.strictObject({
  search: z
    .string()
    .min(1)
    .max(100_000)
    .meta({ title: 'Search (SPL)' })
    .describe('SPL, e.g. index=auth src=185.220.101.45 | head 50. `search ` is prepended unless it starts with search or |.'),
  ...timeRange,
  ...paging,
});

/** Params of `list_notable_events`: time range, urgency and SPL filters, limits and wait. */
export const listNotablesInput = z.strictObject({
  ...timeRange,
  urgency: z.array(z.enum(URGENCIES)).min(1).optional().meta({ title: 'Urgency' }).describe('Only notables with one of these urgencies.'),
  filter: z
    .string()
    .min(1)
    .max(10_000)
    .optional()
    .meta({ title: 'Extra filter (SPL)' })
    .describe('Extra SPL filter applied with | search, e.g. status_label=New src=185.220.101.45.'),
  ...paging,
});

const ruleUid = z
  .string()
  .regex(/^[A-Za-z0-9-]+@@[A-Za-z0-9_.-]+@@[A-Za-z0-9]+$/, 'must be a notable event_id such as <guid>@@notable@@<hash>');

const statusLabel = z.enum(Object.keys(REVIEW_STATUSES) as [keyof typeof REVIEW_STATUSES, ...Array<keyof typeof REVIEW_STATUSES>]);

/** Params of `update_notable`, named as POST /services/notable_update names them. */
export const updateNotableInput = z
  .strictObject({
    ruleUIDs: z.union([ruleUid, z.array(ruleUid).min(1).max(1_000)]).meta({ title: 'Notable event IDs' }).describe('event_id of the notable(s) to update (from list_notable_events).'),
    status: z
      .union([z.int().min(0).max(99), statusLabel])
      .optional()
      .meta({ title: 'Status' })
      .describe('Review status id, or a default label: unassigned (0), new (1), in progress (2), pending (3), resolved (4), closed (5).'),
    urgency: z.enum(URGENCIES).optional().meta({ title: 'Urgency' }).describe('New urgency.'),
    newOwner: z.string().min(1).max(256).optional().meta({ title: 'Owner' }).describe('Splunk user to assign the notables to (must be a valid notable owner).'),
    comment: z.string().max(10_000).optional().meta({ title: 'Comment' }).describe('Comment recorded in the notable history, e.g. what the playbook found.'),
  })
  .refine((v) => v.status !== undefined || v.urgency !== undefined || v.newOwner !== undefined || (v.comment ?? '').trim() !== '', {
    message: 'set at least one of status, urgency, newOwner, comment',
  });

/** A review status as the id notable_update takes. */
export function statusId(status: number | keyof typeof REVIEW_STATUSES): number {
  return typeof status === 'number' ? status : REVIEW_STATUSES[status];
}

/** How many notables per urgency, and the highest one seen: what a triage playbook branches on. */
export function urgencySummary(notables: readonly SplunkResult[]): { highest_urgency: string | null; by_urgency: Record<string, number> } {
  const byUrgency: Record<string, number> = {};
  let highest = -1;
  for (const notable of notables) {
    const urgency = typeof notable['urgency'] === 'string' ? notable['urgency'] : 'unknown';
    byUrgency[urgency] = (byUrgency[urgency] ?? 0) + 1;
    highest = Math.max(highest, URGENCIES.indexOf(urgency as (typeof URGENCIES)[number]));
  }
  return { highest_urgency: URGENCIES[highest] ?? null, by_urgency: byUrgency };
}

/** The SPL that lists notables: the Enterprise Security `notable` macro (ES has no GET endpoint for them). */
export function notableSearch(input: { urgency?: readonly string[]; filter?: string }): string {
  const parts = ['search `notable`'];
  if (input.urgency !== undefined) parts.push(`search urgency IN (${input.urgency.map((u) => `"${u}"`).join(', ')})`);
  if (input.filter !== undefined) parts.push(`search ${input.filter}`);
  return parts.join(' | ');
}

/** POST search/jobs, poll search/jobs/{sid} until DONE, then page search/jobs/{sid}/results. */
export const runSearch: RunAction<typeof runSearchInput> = {
  title: 'Run search',
  description:
    'Runs an SPL search as a search job, waits for it to finish and returns its result rows (`results`, `count`, `resultCount`, `truncated`, `sid`).',
  input: runSearchInput,
  effect: 'read',
  output: runSearchOutput,
  example: RUN_SEARCH_EXAMPLE,
  run: (ctx, input) =>
    runSearchJob(ctx, {
      search: input.search,
      earliest_time: input.earliest_time,
      latest_time: input.latest_time,
      limit: input.limit,
      count: input.count,
      maxWaitMs: input.max_wait_seconds * 1000,
    }),
};

/**
 * Enterprise Security notables through the `notable` macro: Splunk documents no GET endpoint for
 * them ("There is no GET method for notable events … use Splunk search and macros", ES REST API
 * reference, Notable Event API).
 */
export const listNotableEvents: RunAction<typeof listNotablesInput> = {
  title: 'List notable events',
  description:
    'Lists Enterprise Security notable events in a time range (event_id, rule_name, urgency, status_label, owner, src, dest, user…), with `highest_urgency` and counts per urgency.',
  input: listNotablesInput,
  effect: 'read',
  output: listNotablesOutput,
  example: LIST_NOTABLES_EXAMPLE,
  run: async (ctx, input) => {
    const outcome = await runSearchJob(ctx, {
      search: notableSearch(input),
      earliest_time: input.earliest_time,
      latest_time: input.latest_time,
      limit: input.limit,
      count: input.count,
      maxWaitMs: input.max_wait_seconds * 1000,
    });
    const { results, ...rest } = outcome;
    return { ...rest, notables: results, ...urgencySummary(results) };
  },
};

/**
 * POST /services/notable_update (Enterprise Security). The handler answers 200 with
 * `{success:false, message}` when nothing could be changed, so that is an error here too.
 */
export const updateNotable: RunAction<typeof updateNotableInput> = {
  title: 'Update notable event',
  description: 'Sets the status, urgency or owner of Enterprise Security notables and records a comment in their history.',
  input: updateNotableInput,
  effect: 'write',
  idempotent: true,
  output: updateNotableOutput,
  example: UPDATE_NOTABLE_EXAMPLE,
  run: async (ctx, input) => {
    const ruleUIDs = typeof input.ruleUIDs === 'string' ? [input.ruleUIDs] : input.ruleUIDs;
    const form = new URLSearchParams({ output_mode: 'json' });
    for (const id of ruleUIDs) form.append('ruleUIDs', id);
    if (input.status !== undefined) form.set('status', String(statusId(input.status)));
    if (input.urgency !== undefined) form.set('urgency', input.urgency);
    if (input.newOwner !== undefined) form.set('newOwner', input.newOwner);
    if (input.comment !== undefined) form.set('comment', input.comment);
    const response = await ctx.http.post<unknown>('/services/notable_update', form);
    const body = (response.data ?? {}) as { success?: unknown; message?: unknown; success_count?: unknown; failure_count?: unknown; details?: unknown };
    const message = typeof body.message === 'string' ? body.message : '';
    if (body.success !== true) {
      throw new NodeError('VENDOR', `Splunk ${response.status} notable_update: ${message || 'no notable event was updated'}`, {
        status: response.status,
        vendor: 'splunk',
        details: { body },
      });
    }
    return { success: true, message, success_count: body.success_count, failure_count: body.failure_count, details: body.details ?? {}, ruleUIDs };
  },
};
