import { useState, useSyncExternalStore, type FormEvent } from 'react';
import type { TeamSession } from '../rpc/team-session.ts';
import '../overlay.css';
import './sign-in.css';

/**
 * The sign-in form of a team server (DESIGN.md §11): user name and password, Enter submits, the
 * server's refusal in one line. `onSubmit` resolves to that line, or undefined once signed in.
 */
export function SignInForm({ notice, onSubmit }: { notice?: string; onSubmit(user: string, password: string): Promise<string | undefined> }) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const refused = await onSubmit(user, password);
      setError(refused);
      if (refused !== undefined) setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="sb-overlay sb-sign-in" role="dialog" aria-modal="true" aria-labelledby="sb-sign-in-title">
      <form className="sb-overlay-box sb-sign-in-box" onSubmit={(event) => void submit(event)} aria-busy={busy}>
        <h2 id="sb-sign-in-title">Sign in to Switchboard</h2>
        {notice === undefined ? null : (
          <p className="sb-sign-in-notice" role="status">
            {notice}
          </p>
        )}
        <label htmlFor="sb-sign-in-user">User name</label>
        <input id="sb-sign-in-user" name="username" autoComplete="username" autoFocus required value={user} onChange={(event) => setUser(event.target.value)} />
        <label htmlFor="sb-sign-in-password">Password</label>
        <input
          id="sb-sign-in-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        {error === undefined ? null : (
          <p className="sb-sign-in-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}

/** The form while a team server waits for someone to sign in; nothing otherwise. */
export function SignInGate({ session }: { session: TeamSession }) {
  const state = useSyncExternalStore(session.subscribe, session.snapshot);
  if (state.phase !== 'signed-out') return null;
  return <SignInForm key={state.notice ?? ''} {...(state.notice === undefined ? {} : { notice: state.notice })} onSubmit={(user, password) => session.signIn(user, password)} />;
}
