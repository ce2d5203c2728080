import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../host/server/server.ts';
import { openDatabase } from '../../host/team/db/database.ts';
import { migrate } from '../../host/team/db/migrations.ts';
import type { Role } from '../../host/team/people/roles.ts';
import { addUser } from '../../host/team/people/users.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { hostCall } from './fixture.ts';

/**
 * A team server for the browser tests (DESIGN.md §11): a throwaway PostgreSQL database with the
 * given people, and `startServer` in this process on it (127.0.0.1, a free port, a fresh
 * workspace, the lab on), serving the renderer snapshot. Stopping it drops the database.
 */

export interface Person {
  name: string;
  password: string;
  role: Role;
}

export interface TeamServer {
  /** The page's address: no token, people sign in. */
  url: string;
  port: number;
  /** Signs in over HTTP as the editor does (`POST /api/session`); the session token. */
  signIn(person: Person): Promise<string>;
  /** One protocol call over the WebSocket with a session token. */
  call<T>(token: string, method: string, params: unknown): Promise<T>;
  /** What the server logged, for a failure's message. */
  readonly log: readonly string[];
  stop(): Promise<void>;
}

export async function startTeamServer(rendererDir: string, people: readonly Person[]): Promise<TeamServer> {
  const database = await createTestDatabase();
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-e2e-team-'));
  const log: string[] = [];
  let server: RunningServer | undefined;
  const cleanUp = async () => {
    await server?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
    await database.drop();
  };
  try {
    const db = await openDatabase(database.url);
    try {
      await migrate(db);
      for (const person of people) await addUser(db, person.name, person.password, person.role);
    } finally {
      await db.close();
    }
    server = await startServer({ port: 0, workspace, lab: true, database: database.url, rendererDir, log: (line) => log.push(line) });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const { port, url } = server;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    log,
    async signIn(person) {
      const response = await fetch(`${origin}/api/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: origin },
        body: JSON.stringify({ user: person.name, password: person.password }),
      });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`Signing in as ${person.name} answered ${response.status}: ${text}`);
      return (JSON.parse(text) as { token: string }).token;
    },
    call: <T>(token: string, method: string, params: unknown) => hostCall<T>(port, token, method, params),
    stop: cleanUp,
  };
}
