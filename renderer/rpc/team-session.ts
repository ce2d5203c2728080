import { forgetPageToken, keepPageToken, type TokenPage } from './page-token.ts';
import { endSession, requestSession, type Fetch, type SessionUser } from './team-api.ts';

/** What the form says when the host turned a session down (expired, or ended elsewhere). */
export const SESSION_ENDED = 'Your session ended; sign in again.';

/**
 * Where the page stands with a team server: `off` (not a team server, or not known yet), waiting
 * for someone to sign in (with a notice, after a session ended), or signed in (the user is
 * unknown after a reload until `host.info` names them).
 */
export type TeamSessionState = { phase: 'off' } | { phase: 'signed-out'; notice?: string } | { phase: 'signed-in'; user?: SessionUser };

/** What a session needs from the page: HTTP, the tab's storage, and the app's connection. */
export interface TeamSessionDeps {
  fetch: Fetch;
  page: TokenPage;
  /** Connects the app to the host with a session token (the WebSocket takes it as it takes the editor token). */
  connect(token: string): void;
  /** Drops the app's connection (signed out). */
  disconnect(reason: string): void;
}

/**
 * The page's sign-in to a team server: signing in keeps the session token as the tab's token and
 * connects with it; signing out ends it on the server and forgets it; a session the host refuses
 * brings the form back. The form and the toolbar badge follow `state`.
 */
export class TeamSession {
  private deps: TeamSessionDeps | undefined;
  private token: string | undefined;
  private current: TeamSessionState = { phase: 'off' };
  private readonly listeners = new Set<() => void>();

  /** Gives the session the page's HTTP, storage and connection (main.tsx at startup; tests with fakes). */
  attach(deps: TeamSessionDeps): void {
    this.deps = deps;
  }

  get state(): TeamSessionState {
    return this.current;
  }

  /** Follows `state` (for useSyncExternalStore); returns the unsubscribe. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The current state, as useSyncExternalStore reads it. */
  snapshot = (): TeamSessionState => this.current;

  /** A team server and no token in the tab: the form is shown. */
  requireSignIn(notice?: string): void {
    this.token = undefined;
    this.set(notice === undefined ? { phase: 'signed-out' } : { phase: 'signed-out', notice });
  }

  /** A team server, and the tab already holds a session token (a reload): the app is connected with it. */
  resume(token: string): void {
    this.token = token;
    this.set({ phase: 'signed-in' });
  }

  /** Signs in; resolves to the one line to show under the form, or undefined once signed in and connecting. */
  async signIn(user: string, password: string): Promise<string | undefined> {
    const deps = this.need();
    if (user.trim() === '' || password === '') return 'Enter your user name and password.';
    const result = await requestSession(deps.fetch, user.trim(), password);
    if (!result.ok) return result.error;
    this.token = result.session.token;
    keepPageToken(deps.page, result.session.token);
    this.set({ phase: 'signed-in', user: result.session.user });
    deps.connect(result.session.token);
    return undefined;
  }

  /** Signs out: the connection is dropped, the token forgotten and ended on the server, and the form comes back. */
  async signOut(): Promise<void> {
    const deps = this.need();
    const token = this.token;
    this.token = undefined;
    forgetPageToken(deps.page);
    deps.disconnect('signed out');
    this.set({ phase: 'signed-out' });
    if (token !== undefined) await endSession(deps.fetch, token);
  }

  /** The host refused the session (close 4401): it is forgotten and the form asks to sign in again. */
  ended(): void {
    if (this.deps !== undefined) forgetPageToken(this.deps.page);
    this.requireSignIn(SESSION_ENDED);
  }

  private need(): TeamSessionDeps {
    if (this.deps === undefined) throw new Error('The team session is not attached to the page.');
    return this.deps;
  }

  private set(next: TeamSessionState): void {
    this.current = next;
    for (const listener of this.listeners) listener();
  }
}
