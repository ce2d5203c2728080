import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local JSON endpoint for the HTTP benchmarks, so they measure our overhead, not a network. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Requests answered so far. */
  requests(): number;
  close(): Promise<void>;
}

const BODY = Buffer.from(JSON.stringify({ ok: true, verdict: 'harmless', score: 0 }));

/**
 * Starts a minimal HTTP/1.1 server on 127.0.0.1 and an ephemeral port that answers every request
 * with the same small JSON body and keeps connections alive, as a vendor API would.
 */
export async function startLoopbackServer(): Promise<LoopbackServer> {
  let count = 0;
  const server = createServer((request, response) => {
    count++;
    request.resume();
    request.on('end', () => {
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': BODY.length,
        connection: 'keep-alive',
      });
      response.end(BODY);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
