import { RpcClient } from './client.ts';
import { TeamSession } from './team-session.ts';

export { RpcClient, RpcError } from './client.ts';
export type { ConnectionState, RpcErrorCode, Transport, TransportListener } from './client.ts';
export { createWebSocketTransport, hostSocketUrl } from './transport-ws.ts';
export { createMessagePortTransport, desktopShell } from './transport-port.ts';
export { forgetPageToken, keepPageToken, takePageToken } from './page-token.ts';
export { isTeamServer } from './team-api.ts';
export { pageConnector } from './page-connection.ts';
export { SESSION_ENDED, TeamSession } from './team-session.ts';
export type { TeamSessionState } from './team-session.ts';

/**
 * The app's one connection to the host. `main.tsx` attaches the real transport at startup;
 * tests attach a fake one with `rpc.connect(createFakeTransport(...))`.
 */
export const rpc = new RpcClient();

/**
 * The page's sign-in to a team server (idle elsewhere). `main.tsx` attaches the page's fetch,
 * storage and connection; the sign-in form and the toolbar badge follow it.
 */
export const teamSession = new TeamSession();
