import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { egressFor, isIpLiteral, literalRefusal, resolveAllowed } from './egress.ts';
import type { CompiledEgress } from './egress.ts';
import { proxyEndpoints } from './env-proxy.ts';

/** A keep-alive agent pair for one connector (and one TLS setting, and one egress policy). */
export interface AgentPair {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

/** Idle sockets close before the usual 5 s server keep-alive, so a reused socket is rarely a dead one. */
const IDLE_SOCKET_MS = 4_000;

/** Agent pairs by egress policy key, then by connector and TLS setting. */
const pools = new Map<string, Map<string, AgentPair>>();

type ConnectionCallback = (err: Error | null, stream: Duplex) => void;
type LookupCallback = (err: Error | null, address: string | { address: string; family: number }[], family?: number) => void;

/**
 * Keep-alive agents shared by every call of one connector under one egress policy: node:http/https
 * are imported here (the one place in nodes/ that may) because reusing sockets is what keeps a
 * chain of calls as cheap as a bare loop. Every new connection is checked against the policy on
 * the address it connects to (an IP literal at once, a name through the checking `lookup`), so a
 * pooled socket was always allowed under the same policy. TLS verification stays on unless the
 * credential explicitly turns it off.
 */
export function agentsFor(connectorId: string, rejectUnauthorized = true, egress: CompiledEgress = egressFor(undefined, undefined)): AgentPair {
  let pool = pools.get(egress.key);
  if (pool === undefined) {
    pool = new Map();
    pools.set(egress.key, pool);
  }
  const key = `${connectorId}|${rejectUnauthorized ? 'verify' : 'insecure'}`;
  let pair = pool.get(key);
  if (pair === undefined) {
    const options = { keepAlive: true, timeout: IDLE_SOCKET_MS };
    const proxies = proxyEndpoints();
    pair = { httpAgent: new GuardedHttpAgent(options, egress, proxies), httpsAgent: new GuardedHttpsAgent({ ...options, rejectUnauthorized }, egress, proxies) };
    pool.set(key, pair);
  }
  return pair;
}

/** Closes every pooled socket (tests and shutdown), so nothing keeps the process alive. */
export function destroyAgents(): void {
  for (const pool of pools.values()) {
    for (const pair of pool.values()) {
      pair.httpAgent.destroy();
      pair.httpsAgent.destroy();
    }
  }
  pools.clear();
}

/**
 * The connection options with the egress check applied: an error for a refused IP literal, else
 * the options with a `lookup` that refuses a name resolving to a refused address. The proxy the
 * environment names is the analyst's own way out and is not checked (the destination is checked
 * before the request, see `sendRequest`).
 */
function guarded(options: http.ClientRequestArgs, defaultPort: number, egress: CompiledEgress, proxies: ReadonlySet<string>): Error | http.ClientRequestArgs {
  const host = (options.host ?? options.hostname ?? 'localhost').replace(/^\[|\]$/g, '');
  const port = Number(options.port) || defaultPort;
  if (proxies.has(`${host.toLowerCase()}:${port}`)) return options;
  if (isIpLiteral(host)) return literalRefusal(host, port, egress) ?? options;
  const lookup = (hostname: string, dnsOptions: { family?: number; all?: boolean }, callback: LookupCallback): void => {
    resolveAllowed(hostname, port, egress, dnsOptions.family).then(
      (addresses) => {
        const list = addresses.map(({ address, family }) => ({ address, family }));
        if (dnsOptions.all === true) callback(null, list);
        else callback(null, list[0]?.address ?? '', list[0]?.family ?? 4);
      },
      (err: Error) => callback(err, ''),
    );
  };
  return { ...options, lookup: lookup as http.ClientRequestArgs['lookup'] };
}

/** Hands a refused destination to the agent's callback, else lets the agent connect with the checked options. */
function connectGuarded(
  checked: Error | http.ClientRequestArgs,
  callback: ConnectionCallback | undefined,
  connect: (options: http.ClientRequestArgs, callback?: ConnectionCallback) => Duplex | null | undefined,
): Duplex | null | undefined {
  if (!(checked instanceof Error)) return connect(checked, callback);
  callback?.(checked, undefined as unknown as Duplex);
  return undefined;
}

class GuardedHttpAgent extends http.Agent {
  readonly #egress: CompiledEgress;
  readonly #proxies: ReadonlySet<string>;

  constructor(options: http.AgentOptions, egress: CompiledEgress, proxies: ReadonlySet<string>) {
    super(options);
    this.#egress = egress;
    this.#proxies = proxies;
  }

  override createConnection(options: http.ClientRequestArgs, callback?: ConnectionCallback): Duplex | null | undefined {
    return connectGuarded(guarded(options, 80, this.#egress, this.#proxies), callback, (checked, cb) => super.createConnection(checked, cb));
  }
}

class GuardedHttpsAgent extends https.Agent {
  readonly #egress: CompiledEgress;
  readonly #proxies: ReadonlySet<string>;

  constructor(options: https.AgentOptions, egress: CompiledEgress, proxies: ReadonlySet<string>) {
    super(options);
    this.#egress = egress;
    this.#proxies = proxies;
  }

  override createConnection(options: http.ClientRequestArgs, callback?: ConnectionCallback): Duplex | null | undefined {
    return connectGuarded(guarded(options, 443, this.#egress, this.#proxies), callback, (checked, cb) => super.createConnection(checked, cb));
  }
}
