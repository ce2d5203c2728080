import { describe, expect, it } from 'vitest';
import { scenario } from '../../../lab/scenario.ts';
import { OKTA_RATE_LIMIT, oktaLabCredentials, oktaTwin } from '../../../lab/twins/okta.ts';
import type { OktaTwinState } from '../../../lab/twins/okta.ts';
import { listQuery } from '../../../nodes/okta/find-user.ts';
import { oktaConnector } from '../../../nodes/okta/index.ts';
import { parseLinkHeader } from '../../../nodes/okta/link-header.ts';
import { useTwin } from '../../support/twin-fixture.ts';
import { labControl } from '../../support/lab-control.ts';

const { alice, bob, carol } = scenario.users;

const { twin, credentials, run, simulate, fault, rateLimit } = useTwin(oktaConnector, oktaTwin, oktaLabCredentials);

interface FindOutput {
  found: boolean;
  count: number;
  truncated: boolean;
  user: { id: string; status: string; profile: { login: string } } | null;
  users: Array<{ id: string; status: string; profile: { login: string } }>;
}

async function statusOf(login: string): Promise<string | undefined> {
  const { node } = await run('find_user', { login });
  return (node.output as FindOutput).user?.status;
}

const E0000047 = {
  errorCode: 'E0000047',
  errorSummary: 'API call exceeded rate limit due to too many requests.',
  errorLink: 'E0000047',
  errorId: 'oaeTestRateLimit',
  errorCauses: [],
};

describe('okta.find_user', () => {
  it('points the lab credential at the twin (the org URL has no default)', () => {
    expect(credentials()['baseUrl']).toBe(twin().url);
  });

  it('finds the user of the suspicious login by exact login', async () => {
    const { node } = await run('find_user', { login: scenario.login.user });
    expect(node.status).toBe('succeeded');
    const output = node.output as FindOutput;
    expect(output).toMatchObject({ found: true, count: 1, truncated: false });
    expect(output.user).toMatchObject({ id: alice.id, status: 'ACTIVE', profile: { login: alice.login, firstName: 'Alice', department: 'Finance' } });
    const [request] = twin().requests;
    expect(request).toEqual({ method: 'GET', path: '/api/v1/users' });
  });

  it('reads a user by id or login, and reports an unknown one as not found', async () => {
    const byLogin = await run('find_user', { id: bob.login });
    expect((byLogin.node.output as FindOutput).user?.id).toBe(bob.id);
    const unknown = await run('find_user', { id: 'mallory@corp.example' });
    expect(unknown.node.status).toBe('succeeded');
    expect(unknown.node.output).toMatchObject({ found: false, count: 0, user: null, users: [] });
  });

  it('follows Link rel="next" pages (after=) up to the limit', async () => {
    const { node } = await run('find_user', { search: 'status eq "ACTIVE"', pageSize: 2, limit: 3 });
    expect(node.status).toBe('succeeded');
    const output = node.output as FindOutput;
    expect(output.users.map((u) => u.id)).toEqual([alice.id, carol.id, bob.id]);
    expect(output.truncated).toBe(false);
    expect(twin().requests.filter((r) => r.path === '/api/v1/users')).toHaveLength(2);
  });

  it('stops at the limit and says the list was truncated', async () => {
    const { node } = await run('find_user', { search: 'profile.department eq "Finance"', limit: 1 });
    expect(node.output).toMatchObject({ count: 1, truncated: true, user: { id: alice.id } });
  });

  it('refuses two ways of finding at once before calling Okta', async () => {
    const { node } = await run('find_user', { login: alice.login, q: 'Ali' });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('INVALID_INPUT');
    expect(twin().requests).toEqual([]);
  });

  it('surfaces an invalid search expression with the vendor message', async () => {
    const { node } = await run('find_user', { search: 'profile.login equals alice' });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('BAD_REQUEST');
    expect(node.error?.message).toMatch(/^Okta 400 E0000031: Invalid search criteria\./);
  });
});

describe('okta lifecycle', () => {
  it('suspends an active user and unsuspends them again', async () => {
    const suspended = await run('suspend_user', { userId: alice.id });
    expect(suspended.node.status).toBe('succeeded');
    expect(suspended.node.output).toEqual({ userId: alice.id, status: 'SUSPENDED', suspended: true });
    expect(await statusOf(alice.login)).toBe('SUSPENDED');

    const restored = await run('unsuspend_user', { userId: alice.login });
    expect(restored.node.status).toBe('succeeded');
    expect(await statusOf(alice.login)).toBe('ACTIVE');
  });

  it('surfaces Okta refusing to suspend a user who is not ACTIVE, cause included', async () => {
    await run('suspend_user', { userId: alice.id });
    const { node } = await run('suspend_user', { userId: alice.id });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('BAD_REQUEST');
    expect(node.error?.message).toBe('Okta 400 E0000001: Api validation failed: suspendUser (Cannot suspend a user that is not active)');
  });

  it('surfaces E0000007 for an unknown user', async () => {
    const { node } = await run('unsuspend_user', { userId: 'nobody@corp.example' });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('NOT_FOUND');
    expect(node.error?.message).toBe('Okta 404 E0000007: Not found: Resource not found: nobody@corp.example (User)');
  });

  it("clears every one of the user's sessions", async () => {
    expect(twin().state().sessions[alice.id]).toHaveLength(2);
    const { node } = await run('clear_sessions', { userId: alice.id, oauthTokens: true });
    expect(node.status).toBe('succeeded');
    expect(node.output).toEqual({ userId: alice.id, sessionsCleared: true, oauthTokensRevoked: true });
    const state = (await (await labControl(twin(), '/_lab/state')).json()) as OktaTwinState;
    expect(state.sessions[alice.id]).toEqual([]);
    expect(state.sessions[bob.id]).toHaveLength(1);
    expect(state.revocations).toEqual([{ userId: alice.id, sessions: 2, oauthTokens: true }]);
  });

  it('in a dry run returns the example and sends no suspend to Okta', async () => {
    await simulate('suspend_user', { userId: alice.id });
    expect(twin().requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(twin().state().users.find((u) => u.id === alice.id)?.status).toBe('ACTIVE');
  });
});

describe('okta auth and rate limits', () => {
  it('fails with AUTH and E0000011 for a wrong API token', async () => {
    const { node } = await run('find_user', { login: alice.login }, {}, { ...credentials(), apiToken: 'not-the-token' });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('AUTH');
    expect(node.error?.message).toBe('Okta 401 E0000011: Invalid token provided');
  });

  it('sends SSWS and gets the rate-limit headers on every answer, refusals included', async () => {
    const ok = await fetch(`${twin().url}/api/v1/users/${alice.id}`, { headers: { authorization: `SSWS ${oktaLabCredentials.apiToken}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-rate-limit-limit')).toBe(String(OKTA_RATE_LIMIT));
    expect(Number(ok.headers.get('x-rate-limit-remaining'))).toBeLessThan(OKTA_RATE_LIMIT);
    expect(Number(ok.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);
    const refused = await fetch(`${twin().url}/api/v1/users/${alice.id}`, { headers: { authorization: `Bearer ${oktaLabCredentials.apiToken}` } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-rate-limit-reset')).not.toBeNull();
    expect(await refused.json()).toMatchObject({ errorCode: 'E0000011', errorSummary: 'Invalid token provided', errorLink: 'E0000011', errorCauses: [] });
  });

  it('honours Retry-After on 429 and then succeeds', async () => {
    await fault({ path: '^/api/v1/users$', status: 429, headers: { 'retry-after': '2' }, body: E0000047, times: 1 });
    const { node, sleeps } = await run('find_user', { login: alice.login });
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(2);
    expect(sleeps).toContain(2000);
  });

  it('waits until X-Rate-Limit-Reset when Okta sends no Retry-After', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3;
    await fault({
      path: '/lifecycle/suspend$',
      status: 429,
      headers: { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) },
      body: E0000047,
      times: 1,
    });
    const { node, sleeps } = await run('suspend_user', { userId: alice.id });
    expect(node.status).toBe('succeeded');
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(1900);
    expect(sleeps[0]).toBeLessThanOrEqual(3000);
    expect(twin().state().users.find((u) => u.id === alice.id)?.status).toBe('SUSPENDED');
  });

  it("gives up with Okta's own E0000047 when the budget stays spent", async () => {
    await rateLimit({ budget: 0, retryAfterSeconds: 2 });
    const { node, sleeps } = await run('find_user', { login: alice.login }, { retry: { maxAttempts: 2 } });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('RATE_LIMITED');
    expect(node.error?.message).toBe('Okta 429 E0000047: API call exceeded rate limit due to too many requests.');
    expect(sleeps[0]).toBeGreaterThan(1900);
    expect(sleeps[0]).toBeLessThanOrEqual(3000);
  });

  it('retries a 500 with the Okta error body and recovers', async () => {
    await fault({
      path: '/sessions$',
      status: 500,
      body: { errorCode: 'E0000009', errorSummary: 'Internal Server Error', errorLink: 'E0000009', errorId: 'oaeTest500', errorCauses: [] },
      times: 1,
    });
    const { node, events } = await run('clear_sessions', { userId: bob.id });
    expect(node.status).toBe('succeeded');
    expect(JSON.stringify(events)).toContain('Okta 500 E0000009: Internal Server Error');
    expect(twin().state().sessions[bob.id]).toEqual([]);
  });
});

describe('okta helpers', () => {
  it('parses Link headers, comma-joined or not', () => {
    const header = '<https://o.okta.com/api/v1/users?limit=2>; rel="self", <https://o.okta.com/api/v1/users?after=00u2&limit=2>; rel="next"';
    expect(parseLinkHeader(header)).toEqual({ self: 'https://o.okta.com/api/v1/users?limit=2', next: 'https://o.okta.com/api/v1/users?after=00u2&limit=2' });
    expect(parseLinkHeader(undefined)).toEqual({});
  });

  it('quotes a login inside the search expression', () => {
    expect(listQuery({ login: 'a"b@x.example', limit: 20 })).toEqual({ search: 'profile.login eq "a\\"b@x.example"', limit: 20 });
  });
});
