import type { RpcClient } from './client.ts';
import type { TeamSession } from './team-session.ts';
import { createWebSocketTransport } from './transport-ws.ts';

export interface PageConnectionOptions {
  client: RpcClient;
  session: TeamSession;
  /** Whether the page came from a team server (`GET /api/team`), asked once at startup. */
  team: Promise<boolean>;
  /** A local server refused the editor token: the token notice says how to get the right one. */
  onLocalRefusal(): void;
  /** Injected for tests: the socket URL and factory the transport uses. */
  url?: string;
  createSocket?: (url: string, protocols: string[]) => WebSocket;
}

/**
 * How the browser page connects with a token: the client over the WebSocket, which offers it.
 * When the host refuses it (4401), the calls in flight fail, and a team server's sign-in form
 * comes back ("Your session ended") where a local server's page shows the token notice.
 */
export function pageConnector(options: PageConnectionOptions): (token: string) => void {
  const { client, session, team } = options;
  return (token) => {
    client.connect(
      createWebSocketTransport({
        token,
        ...(options.url === undefined ? {} : { url: options.url }),
        ...(options.createSocket === undefined ? {} : { createSocket: options.createSocket }),
        onRefused: (reason) => {
          client.disconnect(`the host refused this page's token (${reason})`);
          void team.then((isTeam) => (isTeam ? session.ended() : options.onLocalRefusal()));
        },
      }),
    );
  };
}
