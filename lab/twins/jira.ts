import { scenario } from '../scenario.ts';
import type { TwinDefinition, TwinRequest, TwinResponse } from '../twin.ts';

/**
 * Jira Cloud REST v3 twin (developer.atlassian.com/cloud/jira/platform/rest/v3): create, read and
 * comment on issues and move them through a simplified workflow (To Do → In Progress → Done, global
 * transitions 11/21/31, as Jira creates them for team-managed projects). Basic auth email:API token;
 * errors are `{errorMessages, errors}`; a bad credential gets Jira's plain-text 401. The 429 carries
 * the documented headers (Retry-After, X-RateLimit-Reset as an ISO minute, RateLimit-Reason); its
 * body is not documented, so the twin uses the common error envelope.
 */

interface StatusCategory {
  id: number;
  key: string;
  colorName: string;
  name: string;
}

interface Status {
  id: string;
  name: string;
  statusCategory: StatusCategory;
}

interface NamedRef {
  id: string;
  name: string;
}

interface Project {
  id: string;
  key: string;
  name: string;
  issuetypes: NamedRef[];
}

interface Account {
  accountId: string;
  displayName: string;
  emailAddress: string;
  active: boolean;
  accountType: 'atlassian';
}

/** A comment as Jira stores it (the `self` link is added when served). */
export interface JiraComment {
  id: string;
  author: Account;
  body: unknown;
  created: string;
  updated: string;
  visibility?: unknown;
}

/** An issue: id, key and the fields Jira returns, comments included. */
export interface JiraIssue {
  id: string;
  key: string;
  fields: Record<string, unknown> & {
    summary: string;
    status: Status;
    comment: { comments: JiraComment[]; maxResults: number; total: number; startAt: number };
  };
}

/** Everything the Jira twin remembers; `/_lab/state` serves it. */
export interface JiraTwinState {
  projects: Record<string, Project>;
  /** Keyed by issue key (SEC-1). */
  issues: Record<string, JiraIssue>;
  /** Last issue number per project key. */
  counters: Record<string, number>;
  nextIssueId: number;
  nextCommentId: number;
  /** Virtual time (ms) stamped on writes; each write moves it a minute on, so runs are deterministic. */
  clock: number;
}

/** The Basic-auth pair the twin accepts (email and API token). */
export const jiraLabCredentials = { email: 'soc-automation@corp.example', apiToken: 'lab-jira-api-token' };

const AUTOMATION: Account = {
  accountId: '5d5f1c2a9d0f8e0c7a3b1e01',
  displayName: 'Switchboard Automation',
  emailAddress: jiraLabCredentials.email,
  active: true,
  accountType: 'atlassian',
};

const TO_DO: Status = { id: '10000', name: 'To Do', statusCategory: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' } };
const IN_PROGRESS: Status = { id: '3', name: 'In Progress', statusCategory: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' } };
const DONE: Status = { id: '10001', name: 'Done', statusCategory: { id: 3, key: 'done', colorName: 'green', name: 'Done' } };

/** Global transitions of Jira's simplified workflow: one per target status, with Jira's own ids. */
const TRANSITIONS = [
  { id: '11', name: 'To Do', to: TO_DO },
  { id: '21', name: 'In Progress', to: IN_PROGRESS },
  { id: '31', name: 'Done', to: DONE },
] as const;

const PRIORITIES: readonly NamedRef[] = [
  { id: '1', name: 'Highest' },
  { id: '2', name: 'High' },
  { id: '3', name: 'Medium' },
  { id: '4', name: 'Low' },
  { id: '5', name: 'Lowest' },
];

/** Fields a create request may set besides the validated ones (custom fields match `customfield_N`). */
const SETTABLE = new Set(['summary', 'description', 'issuetype', 'project', 'priority', 'labels', 'assignee', 'duedate', 'components', 'environment']);

const NOT_ADF = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
const NO_ISSUE = 'Issue does not exist or you do not have permission to see it.';

function initialState(): JiraTwinState {
  return {
    projects: {
      SEC: {
        id: '10000',
        key: 'SEC',
        name: 'Security Operations',
        issuetypes: [
          { id: '10002', name: 'Task' },
          { id: '10004', name: 'Bug' },
          { id: '10006', name: 'Incident' },
        ],
      },
    },
    issues: {},
    counters: {},
    nextIssueId: 10001,
    nextCommentId: 10100,
    clock: Date.parse(scenario.login.time) + 15 * 60_000,
  };
}

function jiraError(status: number, errorMessages: string[], errors: Record<string, string> = {}): TwinResponse {
  return { status, body: { errorMessages, errors } };
}

/** Jira's timestamp format: `2026-11-27T08:30:00.000+0000`. */
function jiraDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

function tick(state: JiraTwinState): string {
  state.clock += 60_000;
  return jiraDate(state.clock);
}

function site(req: TwinRequest): string {
  return `http://${req.headers['host'] ?? '127.0.0.1'}`;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Jira's structural ADF check: a doc of typed nodes whose text nodes are not empty. */
export function adfProblem(value: unknown): 'not-adf' | 'invalid' | undefined {
  const doc = record(value);
  if (doc?.['type'] !== 'doc' || doc['version'] !== 1 || !Array.isArray(doc['content'])) return 'not-adf';
  const valid = (node: unknown): boolean => {
    const n = record(node);
    if (n === undefined || typeof n['type'] !== 'string') return false;
    if (n['type'] === 'text' && (typeof n['text'] !== 'string' || n['text'] === '')) return false;
    return n['content'] === undefined || (Array.isArray(n['content']) && n['content'].every(valid));
  };
  return (doc['content'] as unknown[]).every(valid) ? undefined : 'invalid';
}

function findIssue(state: JiraTwinState, idOrKey: string): JiraIssue | undefined {
  const wanted = idOrKey.toUpperCase();
  return state.issues[wanted] ?? Object.values(state.issues).find((issue) => issue.id === idOrKey);
}

/** The create request's field errors, in Jira's words; empty when it may be created. */
function createErrors(fields: Record<string, unknown>, state: JiraTwinState): { errors: Record<string, string>; messages: string[] } {
  const errors: Record<string, string> = {};
  const messages: string[] = [];
  const projectRef = record(fields['project']);
  const project = Object.values(state.projects).find(
    (p) => p.key === String(projectRef?.['key'] ?? '').toUpperCase() || p.id === String(projectRef?.['id'] ?? ''),
  );
  if (project === undefined) errors['project'] = 'Specify a valid project ID or key';
  const typeRef = record(fields['issuetype']);
  const issuetype = project?.issuetypes.find((t) => t.name.toLowerCase() === String(typeRef?.['name'] ?? '').toLowerCase() || t.id === typeRef?.['id']);
  if (project !== undefined && issuetype === undefined) errors['issuetype'] = 'Specify a valid issue type';
  const summary = fields['summary'];
  if (typeof summary !== 'string' || summary.trim() === '') errors['summary'] = 'You must specify a summary of the issue.';
  else if (summary.length > 255) errors['summary'] = 'Summary must be less than 255 characters.';
  if (fields['description'] !== undefined && fields['description'] !== null) {
    const problem = adfProblem(fields['description']);
    if (problem === 'not-adf') errors['description'] = NOT_ADF;
    if (problem === 'invalid') messages.push('INVALID_INPUT');
  }
  if (fields['priority'] !== undefined && priorityOf(fields['priority']) === undefined) errors['priority'] = 'The priority selected is invalid.';
  const labels = fields['labels'];
  if (labels !== undefined) {
    const bad = Array.isArray(labels) ? labels.find((l) => typeof l !== 'string' || /\s/.test(l)) : labels;
    if (bad !== undefined) errors['labels'] = `The label '${String(bad)}' contains spaces which is invalid.`;
  }
  for (const field of Object.keys(fields)) {
    if (!SETTABLE.has(field) && !/^customfield_\d+$/.test(field)) {
      errors[field] = `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;
    }
  }
  return { errors, messages };
}

function priorityOf(value: unknown): NamedRef | undefined {
  const ref = record(value);
  return PRIORITIES.find((p) => p.name.toLowerCase() === String(ref?.['name'] ?? '').toLowerCase() || p.id === ref?.['id']);
}

function createIssue(req: TwinRequest, state: JiraTwinState): TwinResponse {
  const fields = record(record(req.body)?.['fields']);
  if (fields === undefined) return jiraError(400, ['Issue must have fields set.']);
  const { errors, messages } = createErrors(fields, state);
  if (Object.keys(errors).length > 0 || messages.length > 0) return jiraError(400, messages, errors);
  const projectRef = record(fields['project'])!;
  const project = Object.values(state.projects).find((p) => p.key === String(projectRef['key'] ?? '').toUpperCase() || p.id === String(projectRef['id'] ?? ''))!;
  const typeRef = record(fields['issuetype'])!;
  const issuetype = project.issuetypes.find((t) => t.name.toLowerCase() === String(typeRef['name'] ?? '').toLowerCase() || t.id === typeRef['id'])!;
  const number = (state.counters[project.key] ?? 0) + 1;
  state.counters[project.key] = number;
  const id = String(state.nextIssueId++);
  const key = `${project.key}-${number}`;
  const now = tick(state);
  const extra = Object.fromEntries(Object.entries(fields).filter(([name]) => !['project', 'issuetype', 'priority', 'summary', 'description', 'labels'].includes(name)));
  state.issues[key] = {
    id,
    key,
    fields: {
      ...extra,
      summary: String(fields['summary']),
      description: fields['description'] ?? null,
      issuetype: { ...issuetype, subtask: false },
      project: { id: project.id, key: project.key, name: project.name },
      priority: priorityOf(fields['priority']) ?? PRIORITIES[2],
      labels: Array.isArray(fields['labels']) ? fields['labels'] : [],
      status: TO_DO,
      resolution: null,
      resolutiondate: null,
      reporter: AUTOMATION,
      assignee: fields['assignee'] ?? null,
      created: now,
      updated: now,
      comment: { comments: [], maxResults: 0, total: 0, startAt: 0 },
    },
  };
  return { status: 201, body: { id, key, self: `${site(req)}/rest/api/3/issue/${id}` } };
}

function issueView(req: TwinRequest, issue: JiraIssue): Record<string, unknown> {
  const wanted = req.query.get('fields');
  const names = wanted === null || wanted === '' || wanted.includes('*all') ? undefined : new Set(wanted.split(',').map((f) => f.trim()));
  const fields = names === undefined ? issue.fields : Object.fromEntries(Object.entries(issue.fields).filter(([name]) => names.has(name)));
  return { expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations', id: issue.id, self: `${site(req)}/rest/api/3/issue/${issue.id}`, key: issue.key, fields };
}

function transitionView(req: TwinRequest, transition: (typeof TRANSITIONS)[number]): Record<string, unknown> {
  return {
    id: transition.id,
    name: transition.name,
    to: { self: `${site(req)}/rest/api/3/status/${transition.to.id}`, ...transition.to },
    hasScreen: false,
    isGlobal: true,
    isInitial: false,
    isAvailable: true,
    isConditional: false,
    isLooped: false,
  };
}

function addComment(issue: JiraIssue, body: unknown, visibility: unknown, state: JiraTwinState): JiraComment {
  const now = tick(state);
  const comment: JiraComment = { id: String(state.nextCommentId++), author: AUTOMATION, body, created: now, updated: now };
  if (visibility !== undefined) comment.visibility = visibility;
  issue.fields.comment.comments.push(comment);
  issue.fields.comment.total = issue.fields.comment.comments.length;
  issue.fields.comment.maxResults = issue.fields.comment.total;
  issue.fields['updated'] = now;
  return comment;
}

function commentView(req: TwinRequest, issue: JiraIssue, comment: JiraComment): Record<string, unknown> {
  return { self: `${site(req)}/rest/api/3/issue/${issue.id}/comment/${comment.id}`, ...comment, updateAuthor: comment.author, jsdPublic: true };
}

function expectedAuthorization(): string {
  return `Basic ${Buffer.from(`${jiraLabCredentials.email}:${jiraLabCredentials.apiToken}`).toString('base64')}`;
}

/** The Jira Cloud twin: issues in project SEC, a simplified workflow, Jira's errors and 429. */
export const jiraTwin: TwinDefinition<JiraTwinState> = {
  id: 'jira',
  name: 'Jira Cloud',
  initialState,
  authenticate: (req) => {
    if (req.headers['authorization'] === expectedAuthorization()) return undefined;
    return {
      status: 401,
      headers: { 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED', 'WWW-Authenticate': 'OAuth realm="https%3A%2F%2Fyour-domain.atlassian.net"' },
      // Observed, not in Atlassian's reference: live Jira Cloud answers a rejected API token with this text (transcripts in public clients' tests).
      body: 'Client must be authenticated to access this resource.',
    };
  },
  rateLimited: (retryAfterSeconds) => {
    const reset = new Date(Date.now() + retryAfterSeconds * 1000).toISOString().slice(0, 16) + 'Z';
    return {
      status: 429,
      headers: {
        'Retry-After': String(retryAfterSeconds),
        'X-RateLimit-Limit': '100',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': reset,
        'RateLimit-Reason': 'jira-burst-based',
      },
      body: { errorMessages: ['Rate limit exceeded.'], errors: {} },
    };
  },
  notFound: (req) => ({ status: 404, body: { message: `null for uri: ${site(req)}${req.path}`, 'status-code': 404 } }),
  routes: [
    { method: 'POST', path: '/rest/api/3/issue', handler: createIssue },
    {
      method: 'GET',
      path: '/rest/api/3/issue/:issueIdOrKey',
      handler: (req, state) => {
        const issue = findIssue(state, req.params['issueIdOrKey'] ?? '');
        return issue === undefined ? jiraError(404, [NO_ISSUE]) : { body: issueView(req, issue) };
      },
    },
    {
      method: 'POST',
      path: '/rest/api/3/issue/:issueIdOrKey/comment',
      handler: (req, state) => {
        const issue = findIssue(state, req.params['issueIdOrKey'] ?? '');
        if (issue === undefined) return jiraError(404, [NO_ISSUE]);
        const request = record(req.body);
        const body = request?.['body'];
        if (body === undefined || body === null || body === '') return jiraError(400, [], { comment: 'Comment body can not be empty!' });
        const problem = adfProblem(body);
        if (problem === 'not-adf') return jiraError(400, [], { comment: NOT_ADF });
        if (problem === 'invalid') return jiraError(400, ['INVALID_INPUT']);
        return { status: 201, body: commentView(req, issue, addComment(issue, body, request?.['visibility'], state)) };
      },
    },
    {
      method: 'GET',
      path: '/rest/api/3/issue/:issueIdOrKey/transitions',
      handler: (req, state) => {
        const issue = findIssue(state, req.params['issueIdOrKey'] ?? '');
        if (issue === undefined) return jiraError(404, [NO_ISSUE]);
        const only = req.query.get('transitionId');
        const available = TRANSITIONS.filter((t) => t.to.id !== issue.fields.status.id && (only === null || t.id === only));
        return { body: { expand: 'transitions', transitions: available.map((t) => transitionView(req, t)) } };
      },
    },
    {
      method: 'POST',
      path: '/rest/api/3/issue/:issueIdOrKey/transitions',
      handler: (req, state) => {
        const issue = findIssue(state, req.params['issueIdOrKey'] ?? '');
        if (issue === undefined) return jiraError(404, [NO_ISSUE]);
        const request = record(req.body);
        const id = String(record(request?.['transition'])?.['id'] ?? '');
        const transition = TRANSITIONS.find((t) => t.id === id && t.to.id !== issue.fields.status.id);
        if (transition === undefined) return jiraError(400, [`Transition id '${id}' is not valid for this issue.`]);
        const comments = record(request?.['update'])?.['comment'];
        const bodies = Array.isArray(comments) ? comments.map((c) => record(record(c)?.['add'])?.['body']) : [];
        if (bodies.some((b) => adfProblem(b) !== undefined)) return jiraError(400, [], { comment: NOT_ADF });
        for (const body of bodies) addComment(issue, body, undefined, state);
        const now = tick(state);
        issue.fields.status = transition.to;
        issue.fields['resolution'] = transition.to === DONE ? { id: '10000', name: 'Done' } : null;
        issue.fields['resolutiondate'] = transition.to === DONE ? now : null;
        issue.fields['updated'] = now;
        return { status: 204 };
      },
    },
  ],
};
