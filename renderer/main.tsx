import '@xyflow/react/dist/style.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, startEditor } from './app.tsx';
import { createHostTransport, rpc } from './rpc/index.ts';
import { TokenNotice, type TokenProblem } from './token-notice.tsx';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element.');

/** Shows the token notice in a root of its own, over the editor (kept, with its unsaved work) or alone. */
function showTokenNotice(problem: TokenProblem): void {
  const container = document.body.appendChild(document.createElement('div'));
  createRoot(container).render(<TokenNotice problem={problem} host={window.location.host} />);
}

/**
 * Connects to the host first, so the first renders' calls queue instead of failing: over the
 * desktop shell's MessagePort when there is one, else the WebSocket of `switchboard serve` with
 * this tab's token. The editor's own requests (catalogue, playbook) are queued before any component's.
 */
const transport = createHostTransport((reason) => {
  rpc.disconnect(`the host refused this page's token (${reason})`);
  showTokenNotice('refused');
});
if (transport === undefined) {
  showTokenNotice('missing');
} else {
  rpc.connect(transport);
  startEditor();
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
