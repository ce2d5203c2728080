import http from 'node:http';
import https from 'node:https';

/** A keep-alive agent pair for one connector (and one TLS setting). */
export interface AgentPair {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

/** Idle sockets close before the usual 5 s server keep-alive, so a reused socket is rarely a dead one. */
const IDLE_SOCKET_MS = 4_000;

const pairs = new Map<string, AgentPair>();

/**
 * Keep-alive agents shared by every call of one connector: node:http/https are imported here (the one
 * place in nodes/ that may) because reusing sockets is what keeps a chain of calls as cheap as a bare loop.
 * TLS verification stays on unless the credential explicitly turns it off.
 */
export function agentsFor(connectorId: string, rejectUnauthorized = true): AgentPair {
  const key = `${connectorId}|${rejectUnauthorized ? 'verify' : 'insecure'}`;
  let pair = pairs.get(key);
  if (pair === undefined) {
    const options = { keepAlive: true, timeout: IDLE_SOCKET_MS };
    pair = { httpAgent: new http.Agent(options), httpsAgent: new https.Agent({ ...options, rejectUnauthorized }) };
    pairs.set(key, pair);
  }
  return pair;
}

/** Closes every pooled socket (tests and shutdown), so nothing keeps the process alive. */
export function destroyAgents(): void {
  for (const pair of pairs.values()) {
    pair.httpAgent.destroy();
    pair.httpsAgent.destroy();
  }
  pairs.clear();
}
