import '@xyflow/react/dist/style.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, startEditor } from './app.tsx';
import { createHostTransport, rpc } from './rpc/index.ts';

/**
 * Connects to the host first, so the first renders' calls queue instead of failing: over the
 * desktop shell's MessagePort when there is one, else the WebSocket of `switchboard serve`.
 * The editor's own requests (catalogue, playbook) are queued before any component's.
 */
rpc.connect(createHostTransport());
startEditor();

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
