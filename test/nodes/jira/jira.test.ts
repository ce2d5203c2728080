import { describe, expect, it } from 'vitest';
import { scenario } from '../../../lab/scenario.ts';
import { jiraLabCredentials, jiraTwin } from '../../../lab/twins/jira.ts';
import { browseUrl, findTransition } from '../../../nodes/jira/actions.ts';
import { jiraConnector, jiraError } from '../../../nodes/jira/index.ts';
import { useTwin } from '../../support/twin-fixture.ts';

const { twin, credentials, run, simulate, fault, rateLimit } = useTwin(jiraConnector, jiraTwin, jiraLabCredentials);

const TICKET = {
  project: 'SEC',
  issuetype: 'Task',
  summary: `Suspicious login for ${scenario.login.user} from ${scenario.login.maliciousIp}`,
  description: [
    `Login from ${scenario.login.maliciousIp} (${scenario.login.country}) at ${scenario.login.time}.`,
    '',
    '- AbuseIPDB: listed as abusive',
    `- EDR: ${scenario.host.detection.fileName} on ${scenario.host.hostname}`,
    '',
    '```',
    `blocked ${scenario.login.maliciousIp}`,
    '```',
    'Details: https://abuseipdb.com/check/185.220.101.45',
  ].join('\n'),
  priority: 'High',
  labels: ['switchboard', 'suspicious-login'],
};

async function createTicket(params: Record<string, unknown> = TICKET): Promise<{ id: string; key: string; self: string; url: string }> {
  const { node } = await run('create_issue', params);
  expect(node.status).toBe('succeeded');
  return node.output as { id: string; key: string; self: string; url: string };
}

describe('jira connector against its twin', () => {
  it('marks the API token as the only secret and points the lab credential at the twin', () => {
    expect(jiraConnector.secretFields).toEqual(['apiToken']);
    expect(credentials()).toEqual({ ...jiraLabCredentials, baseUrl: twin().url });
    expect(jiraConnector.specs.map((s) => [s.action, s.effect])).toEqual([
      ['create_issue', 'write'],
      ['add_comment', 'write'],
      ['transition_issue', 'write'],
      ['get_issue', 'read'],
    ]);
  });

  it('creates SEC-1 then SEC-2, with the description converted to ADF', async () => {
    const first = await createTicket();
    expect(first).toEqual({ id: '10001', key: 'SEC-1', self: `${twin().url}/rest/api/3/issue/10001`, url: `${twin().url}/browse/SEC-1` });
    const stored = twin().state().issues['SEC-1']!;
    expect(stored.fields).toMatchObject({ summary: TICKET.summary, priority: { name: 'High' }, labels: TICKET.labels, status: { name: 'To Do' }, issuetype: { name: 'Task' } });
    const description = stored.fields['description'] as { type: string; content: Array<{ type: string }> };
    expect(description.type).toBe('doc');
    expect(description.content.map((n) => n.type)).toEqual(['paragraph', 'bulletList', 'codeBlock', 'paragraph']);
    expect(JSON.stringify(description)).toContain('"marks":[{"type":"link","attrs":{"href":"https://abuseipdb.com/check/185.220.101.45"}}]');
    expect(twin().requests).toEqual([{ method: 'POST', path: '/rest/api/3/issue' }]);

    const second = await createTicket({ project: 'sec', summary: 'Phishing: invoice lure', description: { type: 'doc', version: 1, content: [] } });
    expect(second.key).toBe('SEC-2');
    expect(twin().state().issues['SEC-2']?.fields).toMatchObject({ issuetype: { name: 'Task' }, priority: { name: 'Medium' }, description: { type: 'doc', version: 1, content: [] } });
  });

  it('keeps a malicious URL as plain text when autolink is off', async () => {
    await createTicket({ project: 'SEC', summary: 'Phishing', description: `Lure: ${scenario.phishing.maliciousUrl}`, autolink: false });
    expect(JSON.stringify(twin().state().issues['SEC-1']?.fields['description'])).not.toContain('"link"');
  });

  it('reads an issue back with its status, summary and description as text', async () => {
    await createTicket();
    const { node } = await run('get_issue', { issueIdOrKey: 'sec-1' });
    expect(node.status).toBe('succeeded');
    const out = node.output as Record<string, unknown>;
    expect(out).toMatchObject({ id: '10001', key: 'SEC-1', url: `${twin().url}/browse/SEC-1`, summary: TICKET.summary, status: 'To Do' });
    expect(out['description_text']).toBe(
      `Login from 185.220.101.45 (RO) at ${scenario.login.time}.\n\n- AbuseIPDB: listed as abusive\n- EDR: invoice.pdf.exe on WS-ALICE-01\n\nblocked 185.220.101.45\n\nDetails: https://abuseipdb.com/check/185.220.101.45`,
    );
    const narrow = await run('get_issue', { issueIdOrKey: '10001', fields: ['summary', 'status'] });
    expect(Object.keys((narrow.node.output as { fields: object }).fields).sort()).toEqual(['status', 'summary']);
  });

  it('adds a comment, which the issue then shows', async () => {
    await createTicket();
    const { node } = await run('add_comment', { issueIdOrKey: 'SEC-1', body: `Host ${scenario.host.hostname} contained.` });
    expect(node.status).toBe('succeeded');
    expect(node.output).toMatchObject({ id: '10100', issueIdOrKey: 'SEC-1', author: { displayName: 'Switchboard Automation' } });
    const { node: read } = await run('get_issue', { issueIdOrKey: 'SEC-1', fields: ['comment'] });
    const comments = read.output as { fields: { comment: { total: number; comments: Array<{ body: unknown }> } } };
    expect(comments.fields.comment.total).toBe(1);
    expect(comments.fields.comment.comments[0]?.body).toEqual({
      type: 'doc',
      version: 1,
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Host WS-ALICE-01 contained.' }] }],
    });
  });

  it('transitions by name, case-insensitively, through In Progress to Done with a comment', async () => {
    await createTicket();
    const start = await run('transition_issue', { issueIdOrKey: 'SEC-1', transition: 'in progress' });
    expect(start.node.status).toBe('succeeded');
    expect(start.node.output).toEqual({ issueIdOrKey: 'SEC-1', transition: { id: '21', name: 'In Progress' }, status: 'In Progress', changed: true });
    expect(twin().state().issues['SEC-1']?.fields.status.name).toBe('In Progress');

    const done = await run('transition_issue', { issueIdOrKey: 'SEC-1', transition: 'Done', comment: 'Resolved by Switchboard.' });
    expect(done.node.output).toMatchObject({ transition: { id: '31' }, status: 'Done' });
    const issue = twin().state().issues['SEC-1']!;
    expect(issue.fields).toMatchObject({ status: { name: 'Done' }, resolution: { name: 'Done' } });
    expect(issue.fields.comment.total).toBe(1);
    const { node } = await run('get_issue', { issueIdOrKey: 'SEC-1' });
    expect((node.output as { status: string }).status).toBe('Done');
  });

  it('names the available transitions when the one asked for does not exist, without posting', async () => {
    await createTicket();
    twin().requests.length = 0;
    const { node, sleeps } = await run('transition_issue', { issueIdOrKey: 'SEC-1', transition: 'Closed' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'BAD_REQUEST', message: 'Jira: issue SEC-1 has no transition "Closed"; available: "In Progress", "Done"' });
    expect(sleeps).toEqual([]);
    expect(twin().requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('succeeds without a change when the issue already has the status (a retried transition)', async () => {
    await createTicket();
    await run('transition_issue', { issueIdOrKey: 'SEC-1', transition: 'Done' });
    const again = await run('transition_issue', { issueIdOrKey: 'SEC-1', transition: 'done' });
    expect(again.node.status).toBe('succeeded');
    expect(again.node.output).toEqual({ issueIdOrKey: 'SEC-1', transition: null, status: 'Done', changed: false });
  });

  it("gives Jira's not-found answer for an unknown issue", async () => {
    const { node, sleeps } = await run('get_issue', { issueIdOrKey: 'SEC-99' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'NOT_FOUND', status: 404, message: 'Jira 404 Issue does not exist or you do not have permission to see it.' });
    expect(sleeps).toEqual([]);
  });

  it("refuses a wrong API token with AUTH and Jira's message, never echoing the token", async () => {
    const { node, sleeps } = await run('create_issue', TICKET, {}, { ...credentials(), apiToken: 'not-the-token' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'AUTH', status: 401, message: 'Jira 401 Client must be authenticated to access this resource.' });
    expect(JSON.stringify(node.error)).not.toContain('not-the-token');
    expect(sleeps).toEqual([]);
    expect(twin().state().issues).toEqual({});
  });

  it('honours Retry-After on a 429 and then creates the issue once', async () => {
    await fault({ status: 429, headers: { 'retry-after': '2' }, body: jiraTwin.rateLimited(2).body, times: 1 });
    const { node, sleeps } = await run('create_issue', TICKET);
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(2);
    expect(sleeps).toContain(2000);
    expect(Object.keys(twin().state().issues)).toEqual(['SEC-1']);
  });

  it("stops after the lab rate-limit budget with Jira's headers and message", async () => {
    const limited = jiraTwin.rateLimited(1);
    expect(limited.headers).toMatchObject({ 'Retry-After': '1', 'RateLimit-Reason': 'jira-burst-based' });
    expect(limited.headers?.['X-RateLimit-Reset']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
    await rateLimit({ budget: 0 });
    const { node, sleeps } = await run('get_issue', { issueIdOrKey: 'SEC-1' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'RATE_LIMITED', message: 'Jira 429 Rate limit exceeded.' });
    expect(sleeps).toEqual([1000, 1000]);
  });

  it("surfaces Jira's field errors as one line", async () => {
    const { node, sleeps } = await run('create_issue', { ...TICKET, project: 'NOPE', fields: { securitylevel: { id: '1' } } });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({
      code: 'BAD_REQUEST',
      status: 400,
      message: "Jira 400 project: Specify a valid project ID or key; securitylevel: Field 'securitylevel' cannot be set. It is not on the appropriate screen, or unknown.",
    });
    expect(sleeps).toEqual([]);
  });

  it('joins errorMessages and errors when Jira sends both, and retries a 500', async () => {
    await fault({ path: '^/rest/api/3/issue$', status: 500, body: { errorMessages: ['Internal server error'], errors: { summary: 'Indexing failed' } } });
    const { node, sleeps } = await run('create_issue', TICKET);
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'VENDOR', status: 500, message: 'Jira 500 Internal server error; summary: Indexing failed' });
    expect(sleeps).toHaveLength(2);
  });

  it('validates required fields and ADF like Jira does', async () => {
    const auth = { authorization: `Basic ${Buffer.from(`${jiraLabCredentials.email}:${jiraLabCredentials.apiToken}`).toString('base64')}`, 'content-type': 'application/json' };
    const post = (fields: unknown) => fetch(`${twin().url}/rest/api/3/issue`, { method: 'POST', headers: auth, body: JSON.stringify({ fields }) });
    const missing = await post({ project: { key: 'SEC' }, issuetype: { name: 'Task' } });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ errorMessages: [], errors: { summary: 'You must specify a summary of the issue.' } });
    const plain = await post({ project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'x', description: 'plain text' });
    expect(await plain.json()).toEqual({ errorMessages: [], errors: { description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' } });
  });

  it('rejects a label with spaces before calling Jira', async () => {
    const { node } = await run('create_issue', { ...TICKET, labels: ['two words'] });
    expect(node.error?.code).toBe('INVALID_INPUT');
    expect(twin().requests).toEqual([]);
  });

  it('simulates create_issue in a dry run: its example, and nothing reaches Jira', async () => {
    await simulate('create_issue', TICKET);
    expect(twin().requests).toEqual([]);
    expect(twin().state().issues).toEqual({});
  });
});

describe('jira helpers', () => {
  it('joins errorMessages then field errors, and leaves other bodies to the SDK', () => {
    expect(jiraError(400, { errorMessages: ['Field \'priority\' is required'], errors: {} })).toBe("Field 'priority' is required");
    expect(jiraError(400, { errorMessages: ['a', 'b'], errors: { summary: 'c' } })).toBe('a; b; summary: c');
    expect(jiraError(401, 'Client must be authenticated to access this resource.')).toBeUndefined();
    expect(jiraError(404, { errorMessages: [], errors: {} })).toBeUndefined();
  });

  it('finds transitions by name, id or target status', () => {
    const transitions = [
      { id: '21', name: 'Start work', to: { id: '3', name: 'In Progress' } },
      { id: '31', name: 'Done', to: { id: '10001', name: 'Done' } },
    ];
    expect(findTransition(transitions, ' START WORK ')?.id).toBe('21');
    expect(findTransition(transitions, '31')?.name).toBe('Done');
    expect(findTransition(transitions, 'in progress')?.id).toBe('21');
    expect(findTransition(transitions, 'Closed')).toBeUndefined();
  });

  it('builds the browse URL from the self link, keeping a context path', () => {
    expect(browseUrl('https://acme.atlassian.net/rest/api/3/issue/10001', 'SEC-1')).toBe('https://acme.atlassian.net/browse/SEC-1');
    expect(browseUrl('https://jira.corp.example/jira/rest/api/3/issue/1', 'SEC-1')).toBe('https://jira.corp.example/jira/browse/SEC-1');
  });
});
