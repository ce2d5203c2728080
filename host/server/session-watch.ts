import type { People, SignedIn } from '../team/people/sessions.ts';
import { oneLineMessage } from '../protocol/host-error.ts';

/** How often an open socket's session is looked up again: a sign-out or a new role applies within this. */
export const SESSION_RECHECK_MS = 5_000;

/** A socket's signed-in person, kept current. */
export interface WatchedSession {
  /** The person as of the last look-up. */
  current(): SignedIn;
  stop(): void;
}

/**
 * Looks the session `token` up every `everyMs` while a socket is open, so a revoked session or a
 * changed role takes effect within seconds; `ended` is called once when it is gone. A look-up that
 * fails (the database is away) keeps the last answer and is reported through `log`.
 */
export function watchSession(people: Pick<People, 'session'>, token: string, first: SignedIn, ended: () => void, log: (line: string) => void, everyMs = SESSION_RECHECK_MS): WatchedSession {
  let current = first;
  let checking = false;
  let stopped = false;
  const timer = setInterval(() => {
    if (checking || stopped) return;
    checking = true;
    people
      .session(token)
      .then(
        (now) => {
          if (stopped) return;
          if (now !== undefined) current = now;
          else {
            stopped = true;
            clearInterval(timer);
            ended();
          }
        },
        (err: unknown) => log(`switchboard: the session of ${current.name} could not be checked: ${oneLineMessage(err)}`),
      )
      .finally(() => (checking = false));
  }, everyMs);
  timer.unref();
  return {
    current: () => current,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
