import crypto from 'node:crypto';
import type { Database } from '../db/database.ts';
import { DUMMY_HASH, verifyPassword } from './passwords.ts';
import type { Role } from './roles.ts';

/** The person behind a session, with their current role. */
export interface SignedIn {
  name: string;
  role: Role;
}

/** Signing in and out of a team server, and who a session token belongs to. */
export interface People {
  /** undefined: wrong name or password — same cost either way. */
  login(name: string, password: string): Promise<{ token: string; user: SignedIn; expiresAt: number } | undefined>;
  /** The session's person with their CURRENT role (a role change applies at once); undefined when unknown or expired. */
  session(token: string): Promise<SignedIn | undefined>;
  logout(token: string): Promise<void>;
}

/** How long a session lasts unless told otherwise: 12 hours. */
export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** What is stored of a token: its sha256 (hex), so a copy of the table signs nobody in. */
export function tokenHash(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A session token as handed out: 32 random bytes, base64url (43 characters). */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Accounts' sign-in over `db`. Tokens are 32 random bytes (base64url) of which only the sha256 is
 * stored; `now` is injectable so tests can move past expiry.
 */
export function createPeople(db: Database, options: { sessionTtlMs?: number; now?: () => number } = {}): People {
  const ttl = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
  const now = options.now ?? Date.now;
  return {
    async login(name, password) {
      const rows =
        typeof name === 'string' && name.length <= 63
          ? await db.query<{ name: string; role: Role; password_hash: string }>('SELECT name, role, password_hash FROM sb_users WHERE lower(name) = lower($1)', [name])
          : [];
      const user = rows[0];
      const matches = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
      if (user === undefined || !matches) return undefined;
      const token = crypto.randomBytes(32).toString('base64url');
      const at = now();
      const expiresAt = at + ttl;
      await db.query('DELETE FROM sb_sessions WHERE expires_at <= $1', [new Date(at)]);
      await db.query('INSERT INTO sb_sessions (token_hash, user_name, created_at, expires_at) VALUES ($1, $2, $3, $4)', [tokenHash(token), user.name, new Date(at), new Date(expiresAt)]);
      return { token, user: { name: user.name, role: user.role }, expiresAt };
    },

    async session(token) {
      if (typeof token !== 'string' || !TOKEN.test(token)) return undefined;
      const rows = await db.query<{ name: string; role: Role; expires_at: Date }>(
        'SELECT u.name, u.role, s.expires_at FROM sb_sessions s JOIN sb_users u ON u.name = s.user_name WHERE s.token_hash = $1',
        [tokenHash(token)],
      );
      const row = rows[0];
      if (row === undefined || row.expires_at.getTime() <= now()) return undefined;
      return { name: row.name, role: row.role };
    },

    async logout(token) {
      if (typeof token !== 'string' || !TOKEN.test(token)) return;
      await db.query('DELETE FROM sb_sessions WHERE token_hash = $1', [tokenHash(token)]);
    },
  };
}
