import { useState, useSyncExternalStore } from 'react';
import { teamSession } from '../rpc/index.ts';
import type { TeamSession } from '../rpc/team-session.ts';
import { useStore } from '../store/index.ts';
import './user-badge.css';

/**
 * Who is signed in to the team server (`ana · analyst`) and Sign out, in the top bar. Nothing on a
 * desktop or local server. The sign-in answer names them; after a reload, `host.info` does.
 */
export function UserBadge({ session = teamSession }: { session?: TeamSession }) {
  const state = useSyncExternalStore(session.subscribe, session.snapshot);
  const hostUser = useStore((s) => s.host?.user);
  const [leaving, setLeaving] = useState(false);
  if (state.phase !== 'signed-in') return null;
  const user = state.user ?? hostUser;
  const signOut = async () => {
    setLeaving(true);
    try {
      await session.signOut();
    } finally {
      setLeaving(false);
    }
  };
  return (
    <div className="sb-user" role="group" aria-label="Signed in">
      {user === undefined ? null : (
        <span className="sb-user-name">
          {user.name} · {user.role}
        </span>
      )}
      <button type="button" onClick={() => void signOut()} disabled={leaving}>
        Sign out
      </button>
    </div>
  );
}
