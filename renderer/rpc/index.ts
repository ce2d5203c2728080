import { RpcClient, type Transport } from './client.ts';
import { createMessagePortTransport, desktopShell } from './transport-port.ts';
import { createWebSocketTransport } from './transport-ws.ts';

export { RpcClient, RpcError } from './client.ts';
export type { ConnectionState, RpcErrorCode, Transport, TransportListener } from './client.ts';
export { createWebSocketTransport, hostSocketUrl } from './transport-ws.ts';
export { createMessagePortTransport, desktopShell } from './transport-port.ts';

/** The transport for where the page runs: a MessagePort when the desktop preload exposed its API, else the WebSocket. */
export function createHostTransport(): Transport {
  const shell = desktopShell();
  return shell === undefined ? createWebSocketTransport() : createMessagePortTransport(shell);
}

/**
 * The app's one connection to the host. `main.tsx` attaches the real transport at startup;
 * tests attach a fake one with `rpc.connect(createFakeTransport(...))`.
 */
export const rpc = new RpcClient();
