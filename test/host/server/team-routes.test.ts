import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../host/server/server.ts';
import { openDatabase, type Database } from '../../../host/team/db/database.ts';
import { migrate } from '../../../host/team/db/migrations.ts';
import { createAuditTrail } from '../../../host/team/people/audit.ts';
import { createPeople } from '../../../host/team/people/sessions.ts';
import { addUser } from '../../../host/team/people/users.ts';
import { memoryTeam, type MemoryTeam } from '../../support/memory-team.ts';
import { describeWithPostgres, useTestDatabase } from '../../support/postgres.ts';
import { APPROVAL, connect, httpGet, openSocket, socketOutcome, startTestServer, tempDir, writeShipped, type TestClient } from '../protocol/harness.ts';

/** One HTTP request to the server with its Host header; status, headers and body as text. */
function request(
  server: RunningServer,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method, path, headers: { Host: `127.0.0.1:${server.port}`, ...options.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const JSON_TYPE = { 'Content-Type': 'application/json' };
const signIn = (server: RunningServer, user: string, password: string) => request(server, 'POST', '/api/session', { headers: JSON_TYPE, body: JSON.stringify({ user, password }) });

/** A team server with a viewer, an analyst, an approver and an admin, over a workspace holding the approval playbook. */
function useTeamServer(): { server(): RunningServer; team(): MemoryTeam } {
  let server: RunningServer | undefined;
  let team: MemoryTeam | undefined;
  const dirs: string[] = [];
  beforeAll(async () => {
    team = memoryTeam({ vera: 'viewer', ann: 'analyst', al: 'approver', ada: 'admin' });
    const [shipped, workspace] = [tempDir(), tempDir()];
    dirs.push(shipped, workspace);
    server = await startTestServer({ shipped: writeShipped(shipped, [APPROVAL]), workspace, team, sessionRecheckMs: 20 });
  });
  afterAll(async () => {
    await server?.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  return { server: () => server!, team: () => team! };
}

describe('the team routes', () => {
  const { server, team } = useTeamServer();

  it('say this is a team server, uncached; the printed URL carries no token', async () => {
    const answer = await httpGet(server().port, '/api/team');
    expect(answer).toMatchObject({ status: 200, body: '{"team":true}', headers: { 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' } });
    expect(server().url).toBe(`http://127.0.0.1:${server().port}/`);
  });

  it('sign a person in with the right password: a token, the person and when the session ends; audited without the password', async () => {
    const answer = await signIn(server(), 'ann', 'ann-password');
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(answer.body)).toEqual({ token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), user: { name: 'ann', role: 'analyst' }, expiresAt: expect.any(Number) });
    expect(team().entries.at(-1)).toMatchObject({ actor: 'ann', action: 'sign-in', target: 'ann', detail: { ok: true } });
    expect(JSON.stringify(team().entries)).not.toContain('ann-password');
  });

  it('answer a wrong password and an unknown name alike (401), and audit the failure', async () => {
    for (const [user, password] of [
      ['ann', 'wrong'],
      ['nobody', 'nobody-password'],
    ] as const) {
      const answer = await signIn(server(), user, password);
      expect(answer).toMatchObject({ status: 401, body: '{"error":"wrong user name or password"}' });
      expect(team().entries.at(-1)).toMatchObject({ actor: user, action: 'sign-in', detail: { ok: false } });
    }
    expect(JSON.stringify(team().entries)).not.toContain('wrong');
  });

  it('refuse a bad body with one line naming the field (400), another content type (415), a body over 4 KiB (413)', async () => {
    const post = (body: string, headers: Record<string, string> = JSON_TYPE) => request(server(), 'POST', '/api/session', { headers, body });
    expect(await post('{"user":')).toMatchObject({ status: 400, body: '{"error":"body: is not valid JSON"}' });
    expect(await post('{"user":"ann"}')).toMatchObject({ status: 400, body: '{"error":"body.password: must be a string"}' });
    expect(await post('{"user":"","password":"x"}')).toMatchObject({ status: 400, body: '{"error":"body.user: must not be empty"}' });
    expect(await post('{"user":"ann","password":"x","remember":true}')).toMatchObject({ status: 400, body: '{"error":"body.remember: is not a known field"}' });
    expect(await post('user=ann&password=ann-password', { 'Content-Type': 'application/x-www-form-urlencoded' })).toMatchObject({ status: 415 });
    expect(await post(JSON.stringify({ user: 'ann', password: 'x'.repeat(5000) }))).toMatchObject({ status: 413 });
    expect((await post('{"user":"ann","password":"ann-password"}', { 'Content-Type': 'application/json; charset=utf-8' })).status).toBe(200);
  });

  it('stay behind the Host and Origin guard', async () => {
    expect((await request(server(), 'POST', '/api/session', { headers: { ...JSON_TYPE, Origin: 'http://evil.example' }, body: '{}' })).status).toBe(403);
    expect((await request(server(), 'GET', '/api/team', { headers: { Host: `evil.example:${server().port}` } })).status).toBe(403);
  });

  it('sign out with the bearer token (204): the session ends and its socket is closed with 4401', async () => {
    const { token } = JSON.parse((await signIn(server(), 'vera', 'vera-password')).body) as { token: string };
    const client = await connect({ ...server(), token });
    const closed = new Promise<[number, string]>((resolve) => client.ws.once('close', (code, reason) => resolve([code, reason.toString()])));
    expect(await request(server(), 'DELETE', '/api/session', { headers: { Authorization: `Bearer ${token}` } })).toMatchObject({ status: 204, body: '' });
    expect(await team().people.session(token)).toBeUndefined();
    expect(await closed).toEqual([4401, 'your session has ended: sign in again']);
    expect(team().entries.at(-1)).toMatchObject({ actor: 'vera', action: 'sign-out' });
    expect((await request(server(), 'DELETE', '/api/session')).status).toBe(401);
  });
});

describe('the sign-in throttle', () => {
  const { server } = useTeamServer();

  it('refuses sign-ins (429, Retry-After) after 10 failures in a minute, even with the right password, for the name and the address', async () => {
    for (let i = 0; i < 10; i += 1) expect((await signIn(server(), 'ann', `guess-${i}`)).status).toBe(401);
    const refused = await signIn(server(), 'ann', 'ann-password');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(refused.body)).toEqual({ error: expect.stringMatching(/^too many failed sign-ins: try again in \d+ s$/) });
    expect((await signIn(server(), 'al', 'al-password')).status).toBe(429);
  });
});

describe('the WebSocket of a team server', () => {
  const { server, team } = useTeamServer();
  const clients: TestClient[] = [];
  const as = async (name: string): Promise<TestClient> => {
    const client = await connect({ ...server(), token: await team().tokenOf(name) });
    clients.push(client);
    return client;
  };
  afterAll(async () => {
    for (const client of clients) await client.close();
  });

  it('takes a session token and answers as its person', async () => {
    const outcome = await socketOutcome(openSocket(server(), { token: await team().tokenOf('al') }));
    expect(outcome).toMatchObject({ answer: { result: { user: { name: 'al', role: 'approver', may: { decide: true, admin: false } } } } });
  });

  it('closes a socket with an unknown session, or the per-start token, or none, with 4401', async () => {
    expect(await socketOutcome(openSocket(server(), { token: 'A'.repeat(43) }))).toEqual({ closed: 4401, reason: 'unknown or expired session: sign in again' });
    expect(await socketOutcome(openSocket(server()))).toEqual({ closed: 4401, reason: 'unknown or expired session: sign in again' });
    expect(await socketOutcome(openSocket(server(), { token: null }))).toEqual({ closed: 4401, reason: 'sign in first' });
  });

  it("refuses a viewer's run with FORBIDDEN and one line", async () => {
    const viewer = await as('vera');
    await expect(viewer.call('runs.start', { playbookId: 'approve' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'runs.start needs the analyst role; you are viewer' });
  });

  it("refuses an analyst's approval, takes an approver's and journals it by name; all three acts are audited", async () => {
    const analyst = await as('ann');
    const approver = await as('al');
    const { runId } = await analyst.call('runs.start', { playbookId: 'approve' });
    await analyst.waitForEvent((e) => e.runId === runId && e.type === 'approval.requested');
    await expect(analyst.call('runs.decide', { runId, nodeId: 'ask', decision: 'approved' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'runs.decide needs the approver role; you are analyst',
    });
    expect(await approver.call('runs.decide', { runId, nodeId: 'ask', decision: 'approved', comment: 'ok to block' })).toEqual({ ok: true });
    await approver.waitForEvent((e) => e.runId === runId && e.type === 'run.finished');
    const { events } = await approver.call('runs.get', { runId });
    expect(events.find((e) => e.type === 'approval.decided')).toMatchObject({ nodeId: 'ask', decision: 'approved', by: 'al', comment: 'ok to block' });
    const acts = team().entries.filter((entry) => entry.target === runId);
    expect(acts).toEqual([
      { actor: 'ann', action: 'runs.start', target: runId, detail: { playbookId: 'approve', mode: 'run', dryRun: false, lab: false } },
      { actor: 'ann', action: 'runs.decide', target: runId, detail: { refused: 'runs.decide needs the approver role; you are analyst', nodeId: 'ask' } },
      { actor: 'al', action: 'runs.decide', target: runId, detail: { nodeId: 'ask', decision: 'approved', ok: true } },
    ]);
  });

  it("applies a changed role to an open socket within the re-check", async () => {
    team().setRole('vera', 'viewer');
    const client = await as('vera');
    await expect(client.call('runs.start', { playbookId: 'approve', mode: 'step' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    team().setRole('vera', 'analyst');
    let started: string | undefined;
    while (started === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      started = await client.call('runs.start', { playbookId: 'approve', mode: 'step' }).then(
        ({ runId }) => runId,
        () => undefined,
      );
    }
    await client.call('runs.control', { runId: started, action: 'stop' });
  });
});

describe('a desktop server', () => {
  let server: RunningServer | undefined;
  const dirs = [tempDir(), tempDir()];
  beforeAll(async () => {
    server = await startTestServer({ shipped: writeShipped(dirs[0]!, [APPROVAL]), workspace: dirs[1]! });
  });
  afterAll(async () => {
    await server?.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers /api/ paths 404, as any unknown path, and prints its token', async () => {
    expect((await httpGet(server!.port, '/api/team')).status).toBe(404);
    expect((await request(server!, 'POST', '/api/session', { headers: JSON_TYPE, body: '{}' })).status).toBe(404);
    expect(server!.url).toBe(`http://127.0.0.1:${server!.port}/?token=${server!.token}`);
  });
});

describeWithPostgres('a team server over PostgreSQL', () => {
  const url = useTestDatabase('file');
  const dirs = [tempDir(), tempDir()];
  let db: Database | undefined;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    db = await openDatabase(url());
    await migrate(db);
    await addUser(db, 'vera', 'a long enough password', 'viewer');
    server = await startTestServer({ shipped: writeShipped(dirs[0]!, [APPROVAL]), workspace: dirs[1]!, team: { people: createPeople(db), audit: createAuditTrail(db) } });
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('signs in against the stored account, answers on the socket as that person, refuses what the role may not, and audits in the chained trail', async () => {
    expect((await signIn(server!, 'vera', 'not the password')).status).toBe(401);
    const answer = await signIn(server!, 'VERA', 'a long enough password');
    expect(answer.status).toBe(200);
    const { token, user } = JSON.parse(answer.body) as { token: string; user: unknown };
    expect(user).toEqual({ name: 'vera', role: 'viewer' });
    const client = await connect({ ...server!, token });
    expect(await client.call('host.info', {})).toMatchObject({ user: { name: 'vera', role: 'viewer', may: { run: false } } });
    await expect(client.call('runs.start', { playbookId: 'approve' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'runs.start needs the analyst role; you are viewer' });
    await client.close();
    const trail = createAuditTrail(db!);
    expect((await trail.list()).map(({ actor, action, detail }) => ({ actor, action, ok: detail['ok'], refused: detail['refused'] }))).toEqual([
      { actor: 'vera', action: 'runs.start', ok: undefined, refused: 'runs.start needs the analyst role; you are viewer' },
      { actor: 'vera', action: 'sign-in', ok: true, refused: undefined },
      { actor: 'vera', action: 'sign-in', ok: false, refused: undefined },
    ]);
    expect(await trail.verify()).toMatchObject({ ok: true, rows: 3 });
  });
});
