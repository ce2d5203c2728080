import { describe, expect, it } from 'vitest';
import { scenario } from '../../../lab/scenario.ts';
import { splunkLabCredentials, splunkLabSessionKey, splunkTwin } from '../../../lab/twins/splunk.ts';
import { notableSearch, urgencySummary } from '../../../nodes/splunk/actions.ts';
import { splunkConnector } from '../../../nodes/splunk/index.ts';
import { jobPhase, messagesOf, normalizeSearch, pollDelayMs, splunkError } from '../../../nodes/splunk/search-job.ts';
import { useTwin } from '../../support/twin-fixture.ts';

const IP = scenario.login.maliciousIp;
const LOGIN_NOTABLE = 'A1B2C3D4-1111-4E5F-9A8B-0C1D2E3F4A51@@notable@@5f2b7c1e9d3a4b6c8e0f1a2b3c4d5e6f';

const { twin, credentials, run, simulate, fault, rateLimit } = useTwin(splunkConnector, splunkTwin, splunkLabCredentials);

const hits = (method: string, pattern: RegExp) => twin().requests.filter((r) => r.method === method && pattern.test(r.path)).length;

type SearchOutput = { sid: string; results: Array<Record<string, unknown>>; count: number; resultCount: number; truncated: boolean };
type NotablesOutput = SearchOutput & { notables: Array<Record<string, unknown>>; highest_urgency: string | null; by_urgency: Record<string, number> };

describe('splunk connector against its twin', () => {
  it('marks the token as the only secret and declares effects', () => {
    expect(splunkConnector.secretFields).toEqual(['token']);
    expect(splunkConnector.specs.map((s) => `${s.action}:${s.effect}`)).toEqual(['run_search:read', 'list_notable_events:read', 'update_notable:write', 'notable_trigger:read']);
    expect(credentials()['baseUrl']).toBe(twin().url);
  });

  it('run_search dispatches a job, polls it QUEUED → RUNNING → DONE and returns the login events', async () => {
    const { node, sleeps } = await run('run_search', { search: `index=auth src=${IP}` });
    expect(node.status).toBe('succeeded');
    const out = node.output as SearchOutput;
    expect(out).toMatchObject({ count: 4, resultCount: 4, truncated: false });
    expect(out.sid).toMatch(/^\d+\.\d+$/);
    expect(out.results.every((r) => r['src'] === IP && r['user'] === scenario.login.user)).toBe(true);
    expect(out.results.map((r) => r['action'])).toEqual(['success', 'failure', 'failure', 'failure']);
    expect(sleeps).toEqual([500, 1000]);
    expect(hits('POST', /^\/services\/search\/jobs$/)).toBe(1);
    expect(hits('GET', /^\/services\/search\/jobs\/[^/]+$/)).toBe(3);
    expect(hits('GET', /\/results$/)).toBe(1);
  });

  it('keeps searches that already start with search or |, and runs pipelines', async () => {
    const { node } = await run('run_search', { search: 'search index=auth | stats count by src, action' });
    expect(node.output).toMatchObject({
      results: [
        { src: IP, action: 'failure', count: '3' },
        { src: IP, action: 'success', count: '1' },
        { src: scenario.login.benignIp, action: 'success', count: '1' },
      ],
    });
    const host = await run('run_search', { search: scenario.host.hostname, earliest_time: '-7d' });
    expect((host.node.output as SearchOutput).results.map((r) => r['index'])).toEqual(['endpoint', 'endpoint']);
    const none = await run('run_search', { search: 'index=main nothing_here' });
    expect(none.node.output).toMatchObject({ results: [], count: 0, resultCount: 0, truncated: false });
  });

  it('pages results with count/offset up to limit and says when it truncated', async () => {
    const { node } = await run('run_search', { search: `index=auth src=${IP}`, limit: 3, count: 2 });
    expect(node.output).toMatchObject({ count: 3, resultCount: 4, truncated: true });
    expect(hits('GET', /\/results$/)).toBe(2);
  });

  it('list_notable_events returns the scenario notables with the urgency summary', async () => {
    const { node } = await run('list_notable_events', {});
    expect(node.status).toBe('succeeded');
    const out = node.output as NotablesOutput;
    expect(out.count).toBe(2);
    expect(out.highest_urgency).toBe('critical');
    expect(out.by_urgency).toEqual({ high: 1, critical: 1 });
    expect(out.notables[0]).toMatchObject({ event_id: LOGIN_NOTABLE, urgency: 'high', src: IP, user: scenario.login.user, status_label: 'New', owner: 'unassigned' });
    expect(out.notables[1]).toMatchObject({ urgency: 'critical', dest: scenario.host.hostname, file_hash: scenario.phishing.attachment.sha256 });
    expect(out.notables[0]!['rule_name']).toMatch(/ - Rule$/);
    const high = await run('list_notable_events', { urgency: ['high'], filter: `src=${IP}` });
    expect((high.node.output as NotablesOutput).notables.map((n) => n['event_id'])).toEqual([LOGIN_NOTABLE]);
  });

  it('update_notable changes the review status, owner and comment, read back through the notable macro', async () => {
    const { node } = await run('update_notable', { ruleUIDs: LOGIN_NOTABLE, status: 'in progress', newOwner: 'analyst', comment: 'Switchboard: IP is a Tor exit node' });
    expect(node.status).toBe('succeeded');
    expect(node.output).toEqual({ success: true, message: '1 event updated successfully', success_count: 1, failure_count: 0, details: {}, ruleUIDs: [LOGIN_NOTABLE] });
    const back = await run('list_notable_events', { filter: 'status_label="In Progress"' });
    expect((back.node.output as NotablesOutput).notables).toEqual([
      expect.objectContaining({ event_id: LOGIN_NOTABLE, status: '2', status_label: 'In Progress', owner: 'analyst', comment: 'Switchboard: IP is a Tor exit node' }),
    ]);
    expect(twin().state().reviews).toMatchObject([{ rule_id: LOGIN_NOTABLE, status: '2', owner: 'analyst' }]);
  });

  it('a dry run simulates update_notable: no write reaches the twin', async () => {
    await simulate('update_notable', { ruleUIDs: [LOGIN_NOTABLE], status: 5, comment: 'closing' });
    expect(twin().requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(twin().state().notables.find((n) => n['event_id'] === LOGIN_NOTABLE)).toMatchObject({ status: '1' });
  });

  it('surfaces notable_update validation errors with the Enterprise Security message', async () => {
    const { node } = await run('update_notable', { ruleUIDs: LOGIN_NOTABLE, newOwner: 'mallory' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'BAD_REQUEST', status: 400, message: 'Splunk 400 ValueError: Invalid owner value.' });
  });

  it('authenticates a session key with authScheme Splunk', async () => {
    const { node } = await run('run_search', { search: `index=auth src=${IP} | head 1` }, {}, { ...credentials(), token: splunkLabSessionKey, authScheme: 'Splunk' });
    expect(node.status).toBe('succeeded');
    expect(node.output).toMatchObject({ count: 1 });
  });

  it('a wrong token fails with AUTH and splunkd’s message, without retrying', async () => {
    const { node } = await run('run_search', { search: 'index=auth' }, {}, { ...credentials(), token: 'wrong-token' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'AUTH', status: 401, message: 'Splunk 401 call not properly authenticated' });
    expect(twin().requests).toHaveLength(1);
  });

  it('honours a 429 Retry-After and then succeeds', async () => {
    await fault({
      method: 'POST',
      path: '^/services/search/jobs$',
      status: 429,
      headers: { 'retry-after': '2' },
      body: { messages: [{ type: 'WARN', text: 'Too many requests' }] },
      times: 1,
    });
    const { node, sleeps } = await run('run_search', { search: `index=auth src=${IP}` });
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(2);
    expect(sleeps).toContain(2000);
    expect(hits('POST', /^\/services\/search\/jobs$/)).toBe(2);
  });

  it('retries splunkd’s 503 search-concurrency refusal and reports its message when it persists', async () => {
    await rateLimit({ budget: 0 });
    const { node } = await run('run_search', { search: 'index=auth' }, { retry: { maxAttempts: 2 } });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('VENDOR');
    expect(node.error?.message).toContain('Splunk 503 Search not executed: The maximum number of concurrent historical searches');
    expect(hits('POST', /^\/services\/search\/jobs$/)).toBe(2);
  });

  it('surfaces a search parse error with splunkd’s own message', async () => {
    const { node } = await run('run_search', { search: 'index=auth | frobnicate' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'BAD_REQUEST', status: 400, message: "Splunk 400 Unknown search command 'frobnicate'." });
  });

  it('a FAILED job is a vendor error carrying the job’s messages', async () => {
    await fault({
      method: 'GET',
      path: '^/services/search/jobs/[^/]+$',
      status: 200,
      body: { entry: [{ name: 'x', content: { dispatchState: 'FAILED', isDone: true, isFailed: true, messages: [{ type: 'FATAL', text: "Error in 'lookup' command: Could not construct lookup 'threat_intel, src'." }] } }] },
    });
    const { node } = await run('run_search', { search: 'index=auth' }, { retry: { maxAttempts: 1 } });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('VENDOR');
    expect(node.error?.message).toMatch(/^Splunk search job \S+ failed: Error in 'lookup' command: Could not construct lookup/);
  });

  it('gives up after max_wait_seconds, cancels the job and reports a timeout', async () => {
    const { node, sleeps } = await run('run_search', { search: 'index=auth', max_wait_seconds: 1 }, { retry: { maxAttempts: 1 } });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('TIMEOUT');
    expect(node.error?.message).toMatch(/still RUNNING after 1 s .*cancelled/);
    expect(sleeps).toEqual([500]);
    expect(hits('POST', /\/control$/)).toBe(1);
    expect(twin().state().jobs).toEqual({});
  });
});

describe('splunk helpers', () => {
  it('prefixes search only where splunkd needs it', () => {
    expect(normalizeSearch(' index=auth ')).toBe('search index=auth');
    expect(normalizeSearch('search index=auth')).toBe('search index=auth');
    expect(normalizeSearch('| tstats count where index=auth')).toBe('| tstats count where index=auth');
    expect(normalizeSearch('searchable=1')).toBe('search searchable=1');
  });

  it('polls fast first, then every 5 s', () => {
    expect([0, 1, 2, 3, 4, 9].map(pollDelayMs)).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
  });

  it('reads job phases from JSON or Atom-style flags', () => {
    expect(jobPhase(undefined)).toBe('running');
    expect(jobPhase({ dispatchState: 'FINALIZING' })).toBe('running');
    expect(jobPhase({ dispatchState: 'DONE' })).toBe('done');
    expect(jobPhase({ isDone: '1' })).toBe('done');
    expect(jobPhase({ dispatchState: 'FAILED', isDone: true })).toBe('failed');
  });

  it('extracts the vendor message from both error shapes', () => {
    expect(splunkError(404, { messages: [{ type: 'FATAL', text: 'Unknown sid.' }] })).toBe('Unknown sid.');
    expect(splunkError(400, { messages: [{ type: 'INFO', text: 'note' }, { type: 'ERROR', text: 'bad' }] })).toBe('bad');
    expect(splunkError(400, { success: false, message: 'ValueError: Invalid urgency value.' })).toBe('ValueError: Invalid urgency value.');
    expect(splunkError(500, '<html/>')).toBeUndefined();
    expect(messagesOf({ warn: ['w1'], fatal: 'f1' })).toEqual([{ type: 'WARN', text: 'w1' }, { type: 'FATAL', text: 'f1' }]);
  });

  it('builds the notable search and its urgency summary', () => {
    expect(notableSearch({ urgency: ['high', 'critical'], filter: 'owner=unassigned' })).toBe('search `notable` | search urgency IN ("high", "critical") | search owner=unassigned');
    expect(urgencySummary([{ urgency: 'low' }, { urgency: 'high' }, { urgency: 'low' }])).toEqual({ highest_urgency: 'high', by_urgency: { low: 2, high: 1 } });
    expect(urgencySummary([])).toEqual({ highest_urgency: null, by_urgency: {} });
  });
});
