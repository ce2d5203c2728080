import { randomBytes } from 'node:crypto';
import type { TeamContext } from '../../host/protocol/host-context.ts';
import type { AuditEntry } from '../../host/team/people/audit.ts';
import type { Role } from '../../host/team/people/roles.ts';
import type { SignedIn } from '../../host/team/people/sessions.ts';

/** A team context held in memory: people with passwords and roles, sessions, and the recorded audit entries. */
export interface MemoryTeam extends TeamContext {
  entries: AuditEntry[];
  /** Changes a person's role; their sessions see it at the next look-up, as the real store does. */
  setRole(name: string, role: Role): void;
  /** Makes every audit write fail from now on (a database that went away). */
  breakAudit(): void;
  /** Signs `name` in with their password and returns the session token. */
  tokenOf(name: string): Promise<string>;
}

/** People `{ name: role }`, each with the password `<name>-password`. */
export function memoryTeam(people: Record<string, Role>): MemoryTeam {
  const roles = new Map(Object.entries(people));
  const sessions = new Map<string, string>();
  const entries: AuditEntry[] = [];
  let broken = false;
  const current = (name: string): SignedIn | undefined => {
    const role = roles.get(name);
    return role === undefined ? undefined : { name, role };
  };
  const team: MemoryTeam = {
    entries,
    people: {
      async login(name, password) {
        const user = current(name);
        if (user === undefined || password !== `${name}-password`) return undefined;
        const token = randomBytes(32).toString('base64url');
        sessions.set(token, name);
        return { token, user, expiresAt: Date.now() + 3_600_000 };
      },
      async session(token) {
        const name = sessions.get(token);
        return name === undefined ? undefined : current(name);
      },
      async logout(token) {
        sessions.delete(token);
      },
    },
    audit: {
      async record(entry) {
        if (broken) throw new Error('the audit database is unreachable');
        entries.push(entry);
        return entry;
      },
    },
    setRole: (name, role) => void roles.set(name, role),
    breakAudit: () => void (broken = true),
    async tokenOf(name) {
      const session = await team.people.login(name, `${name}-password`);
      if (session === undefined) throw new Error(`${name} is not one of the memory team's people`);
      return session.token;
    },
  };
  return team;
}
