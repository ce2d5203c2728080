import { describe, expect, it } from 'vitest';
import { endSession, isTeamServer, requestSession, type Fetch } from '../../../renderer/rpc/team-api.ts';

/** A fetch that answers every request with `status`, `body` and `headers`, and records what it was asked. */
function answering(status: number, body: string, headers: Record<string, string> = {}): Fetch & { asked: Array<{ url: string; init?: RequestInit }> } {
  const asked: Array<{ url: string; init?: RequestInit }> = [];
  const fetchFn = async (url: string, init?: RequestInit) => {
    asked.push({ url, ...(init === undefined ? {} : { init }) });
    return new Response(status === 204 ? null : body, { status, headers });
  };
  return Object.assign(fetchFn, { asked });
}

const json = { 'Content-Type': 'application/json' };

describe('is this a team server', () => {
  it('is when GET /api/team answers {"team":true}', async () => {
    const fetchFn = answering(200, '{"team":true}', json);
    expect(await isTeamServer(fetchFn)).toBe(true);
    expect(fetchFn.asked[0]?.url).toBe('/api/team');
  });

  it('is not when it answers 404, the editor page, or nothing at all', async () => {
    expect(await isTeamServer(answering(404, 'no /api/team'))).toBe(false);
    expect(await isTeamServer(answering(200, '<!doctype html><html></html>', { 'Content-Type': 'text/html' }))).toBe(false);
    expect(await isTeamServer(() => Promise.reject(new TypeError('Failed to fetch')))).toBe(false);
  });
});

describe('signing in', () => {
  it('posts the user name and password as JSON and returns the session', async () => {
    const fetchFn = answering(200, JSON.stringify({ token: 'sess_1-A', user: { name: 'ana', role: 'analyst' }, expiresAt: 99 }), json);
    expect(await requestSession(fetchFn, 'ana', 's3cret')).toEqual({ ok: true, session: { token: 'sess_1-A', user: { name: 'ana', role: 'analyst' }, expiresAt: 99 } });
    const { url, init } = fetchFn.asked[0] ?? { url: '' };
    expect(url).toBe('/api/session');
    expect(init?.method).toBe('POST');
    expect(new Headers(init?.headers).get('Content-Type')).toBe('application/json');
    expect(JSON.parse(String(init?.body))).toEqual({ user: 'ana', password: 's3cret' });
  });

  it('says in one line why it was refused: wrong password, too many attempts, a bad request', async () => {
    expect(await requestSession(answering(401, '{"error":"wrong user name or password"}', json), 'ana', 'x')).toEqual({ ok: false, error: 'Wrong user name or password.' });
    expect(await requestSession(answering(429, '{"error":"slow down"}', { ...json, 'Retry-After': '30' }), 'ana', 'x')).toEqual({ ok: false, error: 'Too many attempts; try again in 30 s.' });
    expect(await requestSession(answering(429, ''), 'ana', 'x')).toEqual({ ok: false, error: 'Too many attempts; try again later.' });
    expect(await requestSession(answering(400, 'user must be a string\nmore detail'), 'ana', 'x')).toEqual({ ok: false, error: 'User must be a string.' });
    expect(await requestSession(answering(400, '{"error":"password is empty"}', json), 'ana', 'x')).toEqual({ ok: false, error: 'Password is empty.' });
    expect(await requestSession(answering(502, ''), 'ana', 'x')).toEqual({ ok: false, error: 'The server refused the sign-in (HTTP 502).' });
    expect(await requestSession(() => Promise.reject(new TypeError('Failed to fetch')), 'ana', 'x')).toEqual({ ok: false, error: 'The server could not be reached (Failed to fetch).' });
  });

  it('takes no answer without a token the socket can carry', async () => {
    const result = await requestSession(answering(200, JSON.stringify({ token: 'a b', user: { name: 'ana', role: 'analyst' } }), json), 'ana', 'x');
    expect(result).toEqual({ ok: false, error: 'The server’s answer to the sign-in was not understood.' });
  });
});

describe('signing out', () => {
  it('deletes the session with the token as a bearer', async () => {
    const fetchFn = answering(204, '');
    expect(await endSession(fetchFn, 'sess_1')).toBe(true);
    expect(fetchFn.asked[0]?.init?.method).toBe('DELETE');
    expect(new Headers(fetchFn.asked[0]?.init?.headers).get('Authorization')).toBe('Bearer sess_1');
  });
});
