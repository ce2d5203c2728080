import * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';
import type { ConnectorContext, RunAction } from '../sdk/define-connector.ts';
import { unexpectedResponse } from '../sdk/http-errors.ts';
import { adfDocSchema, adfToText, toAdf } from './adf.ts';
import { ADD_COMMENT_EXAMPLE, CREATE_ISSUE_EXAMPLE, GET_ISSUE_EXAMPLE, TRANSITION_ISSUE_EXAMPLE } from './examples.ts';
import { addCommentOutput, createIssueOutput, getIssueOutput, transitionIssueOutput } from './outputs.ts';

const API = '/rest/api/3';

const issueIdOrKey = z
  .string()
  .regex(/^([A-Za-z][A-Za-z0-9_]*-\d+|\d+)$/, 'must be an issue key like SEC-1 or a numeric issue id')
  .meta({ title: 'Issue key or ID' })
  .describe('Issue key (SEC-1) or numeric issue id.');

const richText = z
  .union([z.string().min(1).max(32_767), adfDocSchema])
  .describe('Plain or markdown-ish text (paragraphs, - lists, # headings, ``` code, [links](https://…)) converted to ADF, or a raw ADF doc.');

const autolink = z
  .boolean()
  .default(true)
  .meta({ title: 'Link URLs' })
  .describe('Turn bare http(s) URLs into links. Set false when the text quotes malicious URLs, so nobody clicks them from the ticket.');

/** create_issue params: the issue fields under their Jira names. */
export const createIssueInput = z.strictObject({
  project: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,254}$/, 'must be a project key like SEC').meta({ title: 'Project key' }).describe('Project key, e.g. SEC.'),
  issuetype: z.string().min(1).max(255).default('Task').meta({ title: 'Issue type' }).describe('Issue type name as the project defines it: Task, Bug, Incident…'),
  summary: z.string().trim().min(1).max(255).meta({ title: 'Summary' }).describe('One-line title (Jira caps it at 255 characters).'),
  description: richText.optional().meta({ title: 'Description' }),
  priority: z.string().min(1).max(255).optional().meta({ title: 'Priority' }).describe('Priority name: Highest, High, Medium, Low or Lowest (as configured).'),
  labels: z
    .array(z.string().regex(/^\S{1,255}$/, 'labels cannot contain spaces'))
    .max(100)
    .optional()
    .meta({ title: 'Labels' })
    .describe('Labels (no spaces), e.g. ["switchboard", "phishing"].'),
  fields: z
    .record(z.string(), z.unknown())
    .optional()
    .meta({ title: 'Other fields' })
    .describe('Further fields merged as Jira spells them: assignee {accountId}, components [{name}], customfield_10010…'),
  autolink,
});

/** add_comment params. */
export const addCommentInput = z.strictObject({
  issueIdOrKey,
  body: richText.meta({ title: 'Comment' }),
  visibility: z
    .strictObject({ type: z.enum(['group', 'role']).meta({ title: 'Restrict to' }), value: z.string().min(1).meta({ title: 'Role or group' }) })
    .optional()
    .meta({ title: 'Visibility' })
    .describe('Restrict the comment to a project role or group, e.g. { type: "role", value: "Administrators" }.'),
  autolink,
});

/** transition_issue params: the transition is named, not numbered, so playbooks survive workflow edits. */
export const transitionIssueInput = z.strictObject({
  issueIdOrKey,
  transition: z
    .string()
    .min(1)
    .max(255)
    .meta({ title: 'Transition' })
    .describe('Transition name (case-insensitive, e.g. "In Progress", "Done") or its id; a target status name also matches.'),
  comment: richText.optional().meta({ title: 'Comment' }).describe('Comment added with the transition (text converted to ADF, or a raw ADF doc).'),
  autolink,
});

/** get_issue params. */
export const getIssueInput = z.strictObject({
  issueIdOrKey,
  fields: z
    .array(z.string().min(1))
    .max(100)
    .optional()
    .meta({ title: 'Fields' })
    .describe('Fields to return (Jira `fields`), e.g. ["summary", "status"]; all fields when absent.'),
});

interface Transition {
  id: string;
  name: string;
  to?: { id?: string; name?: string };
}

/** POST /rest/api/3/issue: 201 `{id, key, self}`; the browse URL is added for chat messages and cases. */
export const createIssue: RunAction<typeof createIssueInput> = {
  title: 'Create issue',
  description: 'Opens a Jira issue (ticket) in a project. The description may be plain or markdown-ish text (converted to ADF) or raw ADF.',
  input: createIssueInput,
  effect: 'write',
  output: createIssueOutput,
  example: CREATE_ISSUE_EXAMPLE,
  run: async (ctx, input) => {
    const response = await ctx.http.post<unknown>(`${API}/issue`, { fields: issueFields(input) });
    const created = record(response.data);
    const key = created?.['key'];
    const self = created?.['self'];
    if (typeof key !== 'string' || typeof self !== 'string') throw unexpectedResponse('Jira', 'jira', 'no issue key in the answer', response.status);
    return { id: created?.['id'], key, self, url: browseUrl(self, key) };
  },
};

/** The `fields` object of a create request, vendor names kept; `fields` extras never override the named inputs. */
export function issueFields(input: z.output<typeof createIssueInput>): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    project: { key: input.project.toUpperCase() },
    issuetype: { name: input.issuetype },
    summary: input.summary,
  };
  if (input.description !== undefined) fields['description'] = toAdf(input.description, { autolink: input.autolink });
  if (input.priority !== undefined) fields['priority'] = { name: input.priority };
  if (input.labels !== undefined) fields['labels'] = input.labels;
  return { ...input.fields, ...fields };
}

/** POST /rest/api/3/issue/{issueIdOrKey}/comment: 201 with the comment. */
export const addComment: RunAction<typeof addCommentInput> = {
  title: 'Add comment',
  description: 'Adds a comment to a Jira issue: plain or markdown-ish text (converted to ADF) or raw ADF, optionally restricted to a role or group.',
  input: addCommentInput,
  effect: 'write',
  output: addCommentOutput,
  example: ADD_COMMENT_EXAMPLE,
  run: async (ctx, input) => {
    const body: Record<string, unknown> = { body: toAdf(input.body, { autolink: input.autolink }) };
    if (input.visibility !== undefined) body['visibility'] = input.visibility;
    const response = await ctx.http.post<unknown>(`${issuePath(input.issueIdOrKey)}/comment`, body);
    const comment = record(response.data);
    if (typeof comment?.['id'] !== 'string') throw unexpectedResponse('Jira', 'jira', 'no comment id in the answer', response.status);
    return { ...comment, issueIdOrKey: input.issueIdOrKey };
  },
};

/**
 * GET /transitions to resolve the name, then POST `{transition:{id}}` (204). When no transition
 * matches but the issue already has the wanted status (a retried call that had landed), it succeeds
 * with `changed: false`; otherwise the error lists the transitions available.
 */
export const transitionIssue: RunAction<typeof transitionIssueInput> = {
  title: 'Transition issue',
  description: 'Moves a Jira issue through its workflow by transition name (e.g. "In Progress", "Done"), optionally with a comment.',
  input: transitionIssueInput,
  effect: 'write',
  output: transitionIssueOutput,
  example: TRANSITION_ISSUE_EXAMPLE,
  run: async (ctx, input) => {
    const path = `${issuePath(input.issueIdOrKey)}/transitions`;
    const listed = await ctx.http.get<unknown>(path);
    const transitions = transitionsOf(listed.data);
    const chosen = findTransition(transitions, input.transition);
    if (chosen === undefined) {
      const status = await currentStatus(ctx, input.issueIdOrKey);
      if (status !== undefined && sameName(status, input.transition)) {
        return { issueIdOrKey: input.issueIdOrKey, transition: null, status, changed: false };
      }
      throw noSuchTransition(input.issueIdOrKey, input.transition, transitions);
    }
    const body: Record<string, unknown> = { transition: { id: chosen.id } };
    if (input.comment !== undefined) body['update'] = { comment: [{ add: { body: toAdf(input.comment, { autolink: input.autolink }) } }] };
    await ctx.http.post(path, body);
    return { issueIdOrKey: input.issueIdOrKey, transition: { id: chosen.id, name: chosen.name }, status: chosen.to?.name ?? chosen.name, changed: true };
  },
};

/** GET /rest/api/3/issue/{issueIdOrKey}, with `summary`, `status` and the description as plain text on top. */
export const getIssue: RunAction<typeof getIssueInput> = {
  title: 'Get issue',
  description: 'Reads a Jira issue: its fields as Jira returns them, plus summary, status name, browse URL and the description as plain text.',
  input: getIssueInput,
  effect: 'read',
  output: getIssueOutput,
  example: GET_ISSUE_EXAMPLE,
  run: async (ctx, input) => {
    const params = input.fields === undefined ? undefined : { fields: input.fields.join(',') };
    const response = await ctx.http.get<unknown>(issuePath(input.issueIdOrKey), { params });
    const issue = record(response.data);
    const fields = record(issue?.['fields']);
    if (issue === undefined || typeof issue['key'] !== 'string' || fields === undefined) throw unexpectedResponse('Jira', 'jira', 'no issue key or fields', response.status);
    const self = typeof issue['self'] === 'string' ? issue['self'] : '';
    return {
      id: issue['id'],
      key: issue['key'],
      self,
      url: self === '' ? undefined : browseUrl(self, issue['key']),
      summary: fields['summary'],
      status: record(fields['status'])?.['name'],
      description_text: fields['description'] === undefined || fields['description'] === null ? '' : adfToText(fields['description']),
      fields,
    };
  },
};

/** A transition by name (case-insensitive), then by id, then by the name of the status it leads to. */
export function findTransition(transitions: readonly Transition[], wanted: string): Transition | undefined {
  return (
    transitions.find((t) => sameName(t.name, wanted)) ??
    transitions.find((t) => t.id === wanted.trim()) ??
    transitions.find((t) => t.to?.name !== undefined && sameName(t.to.name, wanted))
  );
}

/** The error for a transition name the workflow does not offer, naming the ones it does. */
export function noSuchTransition(issue: string, wanted: string, transitions: readonly Transition[]): NodeError {
  const available = transitions.map((t) => t.name);
  const list = available.length === 0 ? 'none' : available.map((name) => `"${name}"`).join(', ');
  return new NodeError('BAD_REQUEST', `Jira: issue ${issue} has no transition "${wanted}"; available: ${list}`, {
    vendor: 'jira',
    details: { available: transitions.map((t) => ({ id: t.id, name: t.name, to: t.to?.name })) },
  });
}

async function currentStatus(ctx: ConnectorContext, issue: string): Promise<string | undefined> {
  const response = await ctx.http.get<unknown>(issuePath(issue), { params: { fields: 'status' } });
  const name = record(record(record(response.data)?.['fields'])?.['status'])?.['name'];
  return typeof name === 'string' ? name : undefined;
}

function transitionsOf(data: unknown): Transition[] {
  const list = record(data)?.['transitions'];
  if (!Array.isArray(list)) throw unexpectedResponse('Jira', 'jira', 'no transitions list', 200);
  return list.flatMap((item): Transition[] => {
    const t = record(item);
    if (t === undefined || typeof t['id'] !== 'string' || typeof t['name'] !== 'string') return [];
    const to = record(t['to']);
    return [{ id: t['id'], name: t['name'], to: to === undefined ? undefined : { id: str(to['id']), name: str(to['name']) } }];
  });
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function issuePath(issue: string): string {
  return `${API}/issue/${encodeURIComponent(issue.toUpperCase())}`;
}

/** `https://site/browse/KEY` from the issue's `self` link (the site may sit under a context path on-prem). */
export function browseUrl(self: string, key: string): string {
  const at = self.indexOf('/rest/api/');
  const site = at >= 0 ? self.slice(0, at) : new URL(self).origin;
  return `${site}/browse/${key}`;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
