import '@xyflow/react/dist/style.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { createWebSocketTransport, rpc } from './rpc/index.ts';

/** Connects to the host first, so the first renders' calls queue on the socket instead of failing. */
rpc.connect(createWebSocketTransport());

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
