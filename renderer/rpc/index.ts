import { RpcClient, type Transport } from './client.ts';
import { takePageToken } from './page-token.ts';
import { createMessagePortTransport, desktopShell } from './transport-port.ts';
import { createWebSocketTransport } from './transport-ws.ts';

export { RpcClient, RpcError } from './client.ts';
export type { ConnectionState, RpcErrorCode, Transport, TransportListener } from './client.ts';
export { createWebSocketTransport, hostSocketUrl } from './transport-ws.ts';
export { createMessagePortTransport, desktopShell } from './transport-port.ts';

/**
 * The transport for where the page runs: a MessagePort when the desktop preload exposed its API
 * (no token there), else the WebSocket with this tab's editor token; undefined for a browser page
 * opened without one. `onRefused` hears when the host turns the token down.
 */
export function createHostTransport(onRefused: (reason: string) => void): Transport | undefined {
  const shell = desktopShell();
  if (shell !== undefined) return createMessagePortTransport(shell);
  const token = takePageToken(window);
  return token === undefined ? undefined : createWebSocketTransport({ token, onRefused });
}

/**
 * The app's one connection to the host. `main.tsx` attaches the real transport at startup;
 * tests attach a fake one with `rpc.connect(createFakeTransport(...))`.
 */
export const rpc = new RpcClient();
