import '@xyflow/react/dist/style.css';
import './styles.css';
import './focus.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, startEditor } from './app.tsx';
import { SignInGate } from './panels/sign-in.tsx';
import { createMessagePortTransport, desktopShell, isTeamServer, pageConnector, rpc, takePageToken, teamSession } from './rpc/index.ts';
import { useStore } from './store/index.ts';
import { TokenNotice, type TokenProblem } from './token-notice.tsx';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element.');
const editorRoot = root;

/** A root of its own over the editor (kept, with its unsaved work) or alone: the token notice, or the sign-in form. */
function overlayRoot() {
  return createRoot(document.body.appendChild(document.createElement('div')));
}

function showTokenNotice(problem: TokenProblem): void {
  overlayRoot().render(<TokenNotice problem={problem} host={window.location.host} />);
}

let editorShown = false;

/**
 * Shows the editor once the app is connected, its own requests (catalogue, playbook) queued
 * before any component's. A later connection (signed in again) only reloads who is signed in.
 */
function showEditor(): void {
  if (editorShown) {
    useStore
      .getState()
      .loadHost()
      .catch(() => undefined);
    return;
  }
  editorShown = true;
  startEditor();
  createRoot(editorRoot).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

/**
 * The browser page: connects with this tab's token, the one `switchboard serve` printed or a team
 * server's session. A team server (`GET /api/team`) without one shows the sign-in form, and a
 * session it refuses brings the form back; any other server shows the token notice.
 */
function startBrowserPage(): void {
  const team = isTeamServer((input, init) => window.fetch(input, init));
  const connectSocket = pageConnector({ client: rpc, session: teamSession, team, onLocalRefusal: () => showTokenNotice('refused') });
  const connect = (token: string): void => {
    connectSocket(token);
    showEditor();
  };
  teamSession.attach({ fetch: (input, init) => window.fetch(input, init), page: window, connect, disconnect: (reason) => rpc.disconnect(reason) });
  overlayRoot().render(<SignInGate session={teamSession} />);

  const token = takePageToken(window);
  if (token !== undefined) {
    connect(token);
    void team.then((isTeam) => {
      if (isTeam && teamSession.state.phase === 'off') teamSession.resume(token);
    });
    return;
  }
  void team.then((isTeam) => (isTeam ? teamSession.requireSignIn() : showTokenNotice('missing')));
}

/** Connects to the host first, so the first renders' calls queue instead of failing: the desktop shell's MessagePort, else the browser page's WebSocket. */
const shell = desktopShell();
if (shell !== undefined) {
  rpc.connect(createMessagePortTransport(shell));
  showEditor();
} else {
  startBrowserPage();
}
