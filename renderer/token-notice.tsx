import './overlay.css';
import './token-notice.css';

/** Why the page cannot reach the host: opened without the token, or the host turned its token down. */
export type TokenProblem = 'missing' | 'refused';

/**
 * What the browser page shows when it has no token the host accepts: the one way to get one,
 * the URL `switchboard serve` printed (the token is never handed out any other way).
 */
export function TokenNotice({ problem, host }: { problem: TokenProblem; host: string }) {
  return (
    <div className="sb-overlay sb-token-notice" role="alert" aria-labelledby="sb-token-notice-title">
      <div className="sb-overlay-box sb-token-notice-box">
        <h2 id="sb-token-notice-title">{problem === 'missing' ? 'This page was opened without its token' : 'The host refused this page’s token'}</h2>
        <p>
          Open the URL that <code>switchboard serve</code> printed: <code>http://{host}/?token=…</code>
        </p>
        {problem === 'refused' && <p>Each start of switchboard serve prints a new token, so a page from an earlier start cannot connect.</p>}
      </div>
    </div>
  );
}
