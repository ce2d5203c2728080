import * as z from 'zod';
import type { ConnectorContext, RunAction } from '../sdk/define-connector.ts';
import { unexpectedResponse } from '../sdk/http-errors.ts';
import { ADD_OBSERVABLE_EXAMPLE, CREATE_ALERT_EXAMPLE, CREATE_CASE_EXAMPLE, GET_CASE_EXAMPLE } from './examples.ts';
import { addObservableOutput, createAlertOutput, createCaseOutput, getCaseOutput } from './outputs.ts';

/** Largest page asked of the Query API; TheHive's UI pages by 15 to 100. */
export const QUERY_PAGE_SIZE = 100;

const severity = z.int().min(1).max(4).default(2).meta({ title: 'Severity' }).describe('1 low, 2 medium, 3 high, 4 critical.');
const tlp = z.int().min(0).max(4).describe('Traffic Light Protocol: 0 CLEAR, 1 GREEN, 2 AMBER, 3 RED, 4 AMBER+STRICT.');
const pap = z.int().min(0).max(3).describe('Permissible Actions Protocol: 0 CLEAR, 1 GREEN, 2 AMBER, 3 RED.');
const tags = z.array(z.string().min(1).max(128)).max(100).describe('Tags, e.g. ["switchboard", "phishing"].');

const caseId = z
  .string()
  .regex(/^(~\d+|\d+)$/, 'must be a case _id like ~123456 or a case number')
  .meta({ title: 'Case' })
  .describe('Case `_id` (~123456) or case number.');

/** One observable as TheHive's InputCreateObservable spells it; file observables need a multipart upload. */
export const observableInput = z.strictObject({
  dataType: z
    .string()
    .min(1)
    .max(64)
    .refine((t) => t !== 'file', 'file observables need an attachment upload; add the hash (dataType hash) and filename instead')
    .meta({ title: 'Data type' })
    .describe('Observable type: ip, domain, fqdn, url, hash, filename, mail, mail-subject, hostname, user-agent, registry, other…'),
  data: z
    .union([z.string().min(1).max(4096), z.array(z.string().min(1).max(4096)).min(1).max(1000)])
    .meta({ title: 'Value' })
    .describe('The value, or a list of values of the same type (one observable each).'),
  message: z.string().max(1_048_576).optional().meta({ title: 'Description' }).describe('Why it matters, shown with the observable.'),
  tlp: tlp.optional().meta({ title: 'TLP' }),
  pap: pap.optional().meta({ title: 'PAP' }),
  ioc: z.boolean().optional().meta({ title: 'IOC' }).describe('Mark as an indicator of compromise.'),
  sighted: z.boolean().optional().meta({ title: 'Sighted' }).describe('Seen in this incident (not just related).'),
  tags: tags.optional().meta({ title: 'Tags' }),
  ignoreSimilarity: z.boolean().optional().meta({ title: 'Ignore similarity' }).describe('Do not link this observable to other cases and alerts that share it.'),
});

/** create_alert params: TheHive's InputCreateAlert fields under their own names. */
export const createAlertInput = z.strictObject({
  type: z.string().min(1).max(32).meta({ title: 'Type' }).describe('Alert type, e.g. suspicious-login (type + source + sourceRef must be unique).'),
  source: z.string().min(1).max(32).meta({ title: 'Source' }).describe('Where it comes from, e.g. switchboard or splunk.'),
  sourceRef: z.string().min(1).max(128).meta({ title: 'Source reference' }).describe("The source's own id for it; TheHive refuses a second alert with the same type, source and sourceRef."),
  title: z.string().min(1).max(512).meta({ title: 'Title' }),
  description: z.string().max(1_048_576).meta({ title: 'Description' }).describe('Markdown.'),
  severity,
  tlp: tlp.default(2).meta({ title: 'TLP' }),
  pap: pap.default(2).meta({ title: 'PAP' }),
  tags: tags.optional().meta({ title: 'Tags' }),
  externalLink: z.url().max(512).optional().meta({ title: 'External link' }).describe('Link back to the source event.'),
  date: z.int().min(0).optional().meta({ title: 'Date (epoch ms)' }).describe('When it happened (epoch ms); now when absent.'),
  observables: z.array(observableInput).max(1000).optional().meta({ title: 'Observables' }).describe('Observables created with the alert.'),
});

const taskInput = z.strictObject({
  title: z.string().min(1).max(128).meta({ title: 'Title' }),
  group: z.string().min(1).max(64).optional().describe('Task group, e.g. containment.'),
  description: z.string().max(1_048_576).optional().meta({ title: 'Description' }),
  mandatory: z.boolean().optional(),
  assignee: z.string().min(1).max(128).optional().meta({ title: 'Assignee' }).describe('Login of the analyst.'),
});

/** create_case params: TheHive's InputCreateCase fields under their own names. */
export const createCaseInput = z.strictObject({
  title: z.string().min(1).max(512).meta({ title: 'Title' }),
  description: z.string().max(1_048_576).meta({ title: 'Description' }).describe('Markdown: the investigation package or summary.'),
  severity,
  tlp: tlp.default(2).meta({ title: 'TLP' }),
  pap: pap.default(2).meta({ title: 'PAP' }),
  tags: tags.optional().meta({ title: 'Tags' }),
  flag: z.boolean().optional().meta({ title: 'Flag' }).describe('Flag the case for attention.'),
  assignee: z.string().min(1).max(128).optional().meta({ title: 'Assignee' }).describe('Login of the analyst to assign.'),
  summary: z.string().max(1_048_576).optional().meta({ title: 'Summary' }),
  caseTemplate: z.string().min(1).max(128).optional().meta({ title: 'Case template' }).describe('Name or id of a case template to start from.'),
  tasks: z.array(taskInput).max(200).optional().meta({ title: 'Tasks' }).describe('Tasks to create (the template tasks are used when absent).'),
});

/** add_observable params: the case plus one InputCreateObservable. */
export const addObservableInput = observableInput.extend({ caseId });

/** get_case params. */
export const getCaseInput = z.strictObject({
  caseId,
  observables: z.boolean().default(true).meta({ title: 'Observables' }).describe("Also list the case's observables (Query API, paged)."),
  limit: z.int().min(1).max(10_000).default(500).meta({ title: 'Max observables' }).describe('Most observables to list.'),
});

/** POST /api/v1/alert: 201 with the alert (OutputAlert). */
export const createAlert: RunAction<typeof createAlertInput> = {
  title: 'Create alert',
  description: 'Raises an alert in TheHive for triage, optionally with its observables. TheHive refuses a duplicate type + source + sourceRef.',
  input: createAlertInput,
  effect: 'write',
  output: createAlertOutput,
  example: CREATE_ALERT_EXAMPLE,
  run: async (ctx, input) => entity(await ctx.http.post<unknown>('/api/v1/alert', input)),
};

/** POST /api/v1/case: 201 with the case (OutputCase). */
export const createCase: RunAction<typeof createCaseInput> = {
  title: 'Create case',
  description: 'Opens a case in TheHive with a markdown description, severity, TLP/PAP, tags and optional tasks.',
  input: createCaseInput,
  effect: 'write',
  output: createCaseOutput,
  example: CREATE_CASE_EXAMPLE,
  run: async (ctx, input) => entity(await ctx.http.post<unknown>('/api/v1/case', input)),
};

/** POST /api/v1/case/{caseId}/observable: 201 with the list of observables created (one per value). */
export const addObservable: RunAction<typeof addObservableInput> = {
  title: 'Add observable to case',
  description: 'Adds an observable (IP, domain, URL, hash, mail…) to a case; a list of values adds one observable each.',
  input: addObservableInput,
  effect: 'write',
  output: addObservableOutput,
  example: ADD_OBSERVABLE_EXAMPLE,
  run: async (ctx, input) => {
    const { caseId: id, ...observable } = input;
    const response = await ctx.http.post<unknown>(`/api/v1/case/${encodeURIComponent(id)}/observable`, observable);
    if (!Array.isArray(response.data)) throw unexpectedResponse('TheHive', 'thehive', 'expected the list of created observables', response.status);
    return { caseId: id, count: response.data.length, observables: response.data };
  },
};

/** GET /api/v1/case/{idOrName}, then its observables through POST /api/v1/query (getCase → observables → page). */
export const getCase: RunAction<typeof getCaseInput> = {
  title: 'Get case',
  description: 'Reads a TheHive case and, unless turned off, lists its observables (paged through the Query API up to `limit`).',
  input: getCaseInput,
  effect: 'read',
  output: getCaseOutput,
  example: GET_CASE_EXAMPLE,
  run: async (ctx, input) => {
    const theCase = entity(await ctx.http.get<unknown>(`/api/v1/case/${encodeURIComponent(input.caseId)}`));
    if (!input.observables) return theCase;
    const observables = await caseObservables(ctx, input.caseId, input.limit);
    return { ...theCase, observableCount: observables.length, observables };
  },
};

/** The Query API body for one page of a case's observables, oldest first so pages are stable. */
export function observablesQuery(idOrName: string, from: number, to: number): { query: Array<Record<string, unknown>> } {
  return {
    query: [
      { _name: 'getCase', idOrName },
      { _name: 'observables' },
      { _name: 'sort', _fields: [{ _createdAt: 'asc' }] },
      { _name: 'page', from, to },
    ],
  };
}

/** Pages `from`/`to` until a short page or `limit`. */
async function caseObservables(ctx: ConnectorContext, idOrName: string, limit: number): Promise<unknown[]> {
  const all: unknown[] = [];
  while (all.length < limit) {
    const from = all.length;
    const to = Math.min(limit, from + QUERY_PAGE_SIZE);
    const response = await ctx.http.post<unknown>('/api/v1/query', observablesQuery(idOrName, from, to));
    if (!Array.isArray(response.data)) throw unexpectedResponse('TheHive', 'thehive', 'the Query API did not return a list', response.status);
    all.push(...response.data);
    if (response.data.length < to - from) break;
  }
  return all;
}

function entity(response: { status: number; data: unknown }): Record<string, unknown> {
  const data = response.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data) || typeof (data as { _id?: unknown })._id !== 'string') {
    throw unexpectedResponse('TheHive', 'thehive', 'no _id in the answer', response.status);
  }
  return data as Record<string, unknown>;
}

