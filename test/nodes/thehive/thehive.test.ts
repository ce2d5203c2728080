import { describe, expect, it } from 'vitest';
import { scenario } from '../../../lab/scenario.ts';
import { thehiveLabCredentials, thehiveTwin } from '../../../lab/twins/thehive.ts';
import { observablesQuery } from '../../../nodes/thehive/actions.ts';
import { thehiveConnector, thehiveError } from '../../../nodes/thehive/index.ts';
import { useTwin } from '../../support/twin-fixture.ts';

const { twin, credentials, run, simulate, fault } = useTwin(thehiveConnector, thehiveTwin, thehiveLabCredentials);

const ALERT = {
  type: 'suspicious-login',
  source: 'switchboard',
  sourceRef: 'login-2026-11-27-alice',
  title: `Suspicious login for ${scenario.login.user} from ${scenario.login.maliciousIp}`,
  description: 'Login from a Tor exit node listed as abusive.',
  severity: 3,
  tags: ['switchboard'],
  observables: [
    { dataType: 'ip', data: scenario.login.maliciousIp, ioc: true, tags: ['tor'] },
    { dataType: 'mail', data: scenario.login.user },
  ],
};

const CASE = {
  title: `Malware on ${scenario.host.hostname} after a suspicious login`,
  description: '## Investigation package\n\n- EDR detection: invoice.pdf.exe',
  severity: 4,
  tlp: 3,
  tags: ['switchboard', 'investigation'],
  tasks: [{ title: 'Contain host', group: 'containment' }, { title: 'Reset credentials' }],
};

async function openCase(): Promise<{ _id: string; number: number }> {
  const { node } = await run('create_case', CASE);
  expect(node.status).toBe('succeeded');
  return node.output as { _id: string; number: number };
}

describe('thehive connector against its twin', () => {
  it('marks the API key as the only secret and points the lab credential at the twin', () => {
    expect(thehiveConnector.secretFields).toEqual(['apiKey']);
    expect(credentials()).toEqual({ ...thehiveLabCredentials, baseUrl: twin().url });
    expect(thehiveConnector.specs.map((s) => [s.action, s.effect])).toEqual([
      ['create_alert', 'write'],
      ['create_case', 'write'],
      ['add_observable', 'write'],
      ['get_case', 'read'],
    ]);
  });

  it('raises an alert with its observables', async () => {
    const { node } = await run('create_alert', ALERT);
    expect(node.status).toBe('succeeded');
    const alert = node.output as Record<string, unknown>;
    expect(alert).toMatchObject({ _id: '~123456', _type: 'Alert', severity: 3, severityLabel: 'HIGH', tlp: 2, tlpLabel: 'AMBER', status: 'New', observableCount: 2, sourceRef: ALERT.sourceRef });
    expect(twin().state().alerts['~123456']).toMatchObject({ title: ALERT.title });
    expect(Object.values(twin().state().observables).map((o) => [o.dataType, o.data, o.parent, o['ioc']])).toEqual([
      ['ip', scenario.login.maliciousIp, '~123456', true],
      ['mail', scenario.login.user, '~123456', false],
    ]);
    expect(twin().requests).toEqual([{ method: 'POST', path: '/api/v1/alert' }]);
  });

  it("surfaces TheHive's CreateError for a duplicate alert, without retrying", async () => {
    await run('create_alert', ALERT);
    const { node, sleeps } = await run('create_alert', { ...ALERT, title: 'again' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({
      code: 'BAD_REQUEST',
      status: 400,
      message: 'TheHive 400 CreateError: Alert suspicious-login:switchboard:login-2026-11-27-alice already exist in organisation corp',
    });
    expect(sleeps).toEqual([]);
    expect(Object.keys(twin().state().alerts)).toHaveLength(1);
  });

  it('opens a case with its tasks', async () => {
    const opened = await openCase();
    expect(opened).toMatchObject({ _id: '~123456', _type: 'Case', number: 1, severity: 4, severityLabel: 'CRITICAL', tlp: 3, tlpLabel: 'RED', stage: 'New' });
    const tasks = Object.values(twin().state().tasks);
    expect(tasks.map((t) => [t['title'], t['group'], t.caseId])).toEqual([
      ['Contain host', 'containment', '~123456'],
      ['Reset credentials', 'default', '~123456'],
    ]);
    expect((await openCase()).number).toBe(2);
  });

  it('adds observables to a case (one per value) and reads them back with the case', async () => {
    const { _id } = await openCase();
    const urls = await run('add_observable', {
      caseId: _id,
      dataType: 'url',
      data: [scenario.phishing.maliciousUrl, scenario.phishing.cleanUrl],
      message: 'URLs in the reported email',
      tlp: 1,
    });
    expect(urls.node.status).toBe('succeeded');
    const out = urls.node.output as { caseId: string; count: number; observables: Array<Record<string, unknown>> };
    expect(out).toMatchObject({ caseId: _id, count: 2 });
    expect(out.observables.map((o) => o['data'])).toEqual([scenario.phishing.maliciousUrl, scenario.phishing.cleanUrl]);
    expect(out.observables[0]).toMatchObject({ _type: 'Observable', dataType: 'url', tlp: 1, tlpLabel: 'GREEN', message: 'URLs in the reported email' });
    expect(out.observables[0]).not.toHaveProperty('parent');

    const hash = await run('add_observable', { caseId: '1', dataType: 'hash', data: scenario.phishing.attachment.sha256, ioc: true, sighted: true });
    expect(hash.node.output).toMatchObject({ caseId: '1', count: 1 });

    const { node } = await run('get_case', { caseId: _id });
    expect(node.status).toBe('succeeded');
    const read = node.output as { title: string; observableCount: number; observables: Array<Record<string, unknown>> };
    expect(read).toMatchObject({ _id, title: CASE.title, observableCount: 3 });
    expect(read.observables.map((o) => o['dataType'])).toEqual(['url', 'url', 'hash']);
    expect(read.observables[2]).toMatchObject({ data: scenario.phishing.attachment.sha256, ioc: true, sighted: true });
  });

  it('pages the observables through the Query API up to the limit', async () => {
    const { _id } = await openCase();
    const values = Array.from({ length: 250 }, (_, i) => `10.20.30.${i}`);
    await run('add_observable', { caseId: _id, dataType: 'ip', data: values });
    twin().requests.length = 0;

    const all = await run('get_case', { caseId: _id });
    expect((all.node.output as { observables: unknown[] }).observables).toHaveLength(250);
    expect(twin().requests.filter((r) => r.path === '/api/v1/query')).toHaveLength(3);

    twin().requests.length = 0;
    const some = await run('get_case', { caseId: _id, limit: 130 });
    const observables = (some.node.output as { observables: Array<{ data: string }> }).observables;
    expect(observables.map((o) => o.data)).toEqual(values.slice(0, 130));
    expect(twin().requests.filter((r) => r.path === '/api/v1/query')).toHaveLength(2);
  });

  it('reads only the case when observables are not wanted', async () => {
    const { _id } = await openCase();
    const { node } = await run('get_case', { caseId: _id, observables: false });
    expect(node.output).not.toHaveProperty('observables');
    expect(twin().requests.map((r) => r.path)).toEqual(['/api/v1/case', `/api/v1/case/${_id}`]);
  });

  it('builds the documented Query API chain', () => {
    expect(observablesQuery('~1234', 0, 15)).toEqual({
      query: [{ _name: 'getCase', idOrName: '~1234' }, { _name: 'observables' }, { _name: 'sort', _fields: [{ _createdAt: 'asc' }] }, { _name: 'page', from: 0, to: 15 }],
    });
  });

  it("gives TheHive's not-found answer for an unknown case", async () => {
    const { node, sleeps } = await run('get_case', { caseId: '~999' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'NOT_FOUND', status: 404, message: 'TheHive 404 NotFoundError: Case ~999 not found' });
    expect(sleeps).toEqual([]);
    const add = await run('add_observable', { caseId: '42', dataType: 'ip', data: scenario.login.maliciousIp });
    expect(add.node.error?.message).toBe('TheHive 404 NotFoundError: Case 42 not found');
  });

  it("refuses a wrong API key with AUTH and TheHive's message, never echoing the key", async () => {
    const { node, sleeps } = await run('create_case', CASE, {}, { ...credentials(), apiKey: 'not-the-key' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'AUTH', status: 401, message: 'TheHive 401 AuthenticationError: Authentication failure' });
    expect(JSON.stringify(node.error)).not.toContain('not-the-key');
    expect(sleeps).toEqual([]);
    expect(twin().state().cases).toEqual({});
  });

  it('sends X-Organisation and is refused in an organisation the user is not in', async () => {
    const { node } = await run('get_case', { caseId: '1' }, {}, { ...credentials(), organisation: 'other-org' });
    expect(node.error).toMatchObject({ code: 'AUTH', status: 403, message: 'TheHive 403 AuthorizationError: User soc-automation@corp.example is not a member of organisation other-org' });
    const { organisation: _organisation, ...withoutOrg } = credentials();
    await openCase();
    const { node: ok } = await run('get_case', { caseId: '1', observables: false }, {}, withoutOrg);
    expect(ok.status).toBe('succeeded');
  });

  it('honours Retry-After on a 429 and then creates the case once', async () => {
    await fault({ status: 429, headers: { 'retry-after': '2' }, body: thehiveTwin.rateLimited(2).body, times: 1 });
    const { node, sleeps } = await run('create_case', CASE);
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(2);
    expect(sleeps).toContain(2000);
    expect(Object.keys(twin().state().cases)).toHaveLength(1);
  });

  it('retries a 500 and surfaces its {type, message} when it persists', async () => {
    await fault({ path: '^/api/v1/query$', status: 500, body: { type: 'InternalError', message: 'Index is not available' } });
    const { _id } = await openCase();
    const { node, sleeps } = await run('get_case', { caseId: _id });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'VENDOR', status: 500, message: 'TheHive 500 InternalError: Index is not available' });
    expect(sleeps).toHaveLength(2);
  });

  it("answers TheHive's AttributeCheckingError for a missing required field", async () => {
    const response = await fetch(`${twin().url}/api/v1/case`, {
      method: 'POST',
      headers: { authorization: `Bearer ${thehiveLabCredentials.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ severity: 2 }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: 'AttributeCheckingError', message: '[Attribute title is missing][Attribute description is missing]' });
  });

  it('refuses file observables and bad severities before calling TheHive', async () => {
    const file = await run('add_observable', { caseId: '1', dataType: 'file', data: 'invoice.pdf.exe' });
    expect(file.node.error?.code).toBe('INVALID_INPUT');
    const severity = await run('create_case', { ...CASE, severity: 5 });
    expect(severity.node.error?.code).toBe('INVALID_INPUT');
    expect(twin().requests).toEqual([]);
  });

  it('simulates create_case in a dry run: its example, and nothing reaches TheHive', async () => {
    await simulate('create_case', CASE);
    expect(twin().requests).toEqual([]);
    expect(twin().state().cases).toEqual({});
  });
});

describe('thehiveError', () => {
  it('reads {type, message}, without repeating a type the message already starts with', () => {
    expect(thehiveError(404, { type: 'NotFoundError', message: 'Case ~1 not found' })).toBe('NotFoundError: Case ~1 not found');
    expect(thehiveError(400, { type: 'BadRequest', message: 'BadRequest: bad' })).toBe('BadRequest: bad');
    expect(thehiveError(401, { type: 'AuthenticationError' })).toBe('AuthenticationError');
    expect(thehiveError(500, 'oops')).toBeUndefined();
  });
});
