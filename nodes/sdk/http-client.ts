import type { AxiosInstance, AxiosRequestConfig, AxiosResponse, CreateAxiosDefaults, RawAxiosRequestHeaders } from 'axios';
import pkg from '../../package.json' with { type: 'json' };
import { NodeError } from '../../engine/errors.ts';
import type { Cancellation, EgressPolicy } from '../../engine/node-type.ts';
import type { Clock } from '../../engine/ports.ts';
import { credentialCovers, egressFor, hostPortOf, isIpLiteral, literalRefusal, resolveAllowed } from './egress.ts';
import type { CompiledEgress } from './egress.ts';
import { environmentNamesProxy } from './env-proxy.ts';
import { agentsFor } from './http-agents.ts';
import { loadAxios, loadedAxios } from './axios-on-demand.ts';
import type { Axios } from './axios-on-demand.ts';
import type { AgentPair } from './http-agents.ts';
import { toNodeError } from './http-errors.ts';
import { MAX_REDIRECTS, redirectLocation, redirectedRequest, tooManyRedirects } from './redirects.ts';
import type { ErrorContext, VendorErrorExtractor } from './http-errors.ts';

/** How a connector reaches its vendor, derived from the bound credential by `defineConnector`'s `http`. */
export interface HttpSettings {
  /** Trailing slashes are dropped by `defineConnector`, so a hook passes the credential's URL as it is. */
  baseURL?: string;
  headers?: Record<string, string>;
  auth?: { username: string; password: string };
  /** Query parameters sent on every call (e.g. Shodan's `?key=`). */
  params?: Record<string, string | number | boolean>;
  /** TLS verification; only an explicit `false` (self-signed on-prem appliances) turns it off. */
  rejectUnauthorized?: boolean;
  timeoutMs?: number;
}

/** Everything one node call's client needs: vendor settings plus the run's signal and idempotency key. */
export interface HttpClientOptions extends HttpSettings {
  /** Display name that starts error messages. */
  vendor: string;
  /** Connector id: keys the shared keep-alive agents and tags errors. */
  connectorId: string;
  /** The call's cancellation (`ctx.cancellation`; an AbortSignal works too). */
  signal?: Cancellation;
  /** Sent as `Idempotency-Key` on every non-GET request. */
  idempotencyKey?: string;
  /** The action is safe to repeat whatever the method (affects transport-error classification). */
  idempotent?: boolean;
  vendorError?: VendorErrorExtractor;
  /** Values scrubbed from error messages. */
  secrets?: readonly string[];
  /** Response (and request body) size cap in bytes. */
  maxContentLength?: number;
  /** Reads `Retry-After` dates against the run's clock (tests use a fake one). */
  clock?: Pick<Clock, 'now'>;
  /** The run's egress policy (`ctx.egress`); absent, public addresses only. */
  egress?: EgressPolicy;
  /**
   * The hosts the call's credential is bound to (`host` or `host:port`): a first request to any
   * other host is refused before it is sent, and these hosts are reachable even when private (a LAN tool).
   */
  credentialHosts?: readonly string[];
}

/** Per-request timeout when the connector sets none; the node's own deadline still applies on top. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Response size cap: a runaway export cannot exhaust the host's memory. */
const DEFAULT_MAX_CONTENT_LENGTH = 20 * 1024 * 1024;
/** Identifies us to vendors (their support can find our calls in their logs). */
export const USER_AGENT = `Switchboard/${pkg.version}`;

/** The shared instances per agent pair and size cap: a destroyed pair (destroyAgents) takes its instances with it. */
const shared = new WeakMap<AgentPair, Map<number, AxiosInstance>>();
/** Instances whose calls go through a proxy the environment names: their destinations are checked before sending. */
const proxied = new WeakSet<AxiosInstance>();

/** 2xx and 3xx succeed; everything else goes through the one error mapper. */
function isSuccess(status: number): boolean {
  return status >= 200 && status < 400;
}

/** `ctx.http` of `run` actions: the axios methods connectors use (add one when a connector needs it), each a `sendRequest`. */
export interface ConnectorHttp {
  request<T = unknown>(config: AxiosRequestConfig): Promise<AxiosResponse<T>>;
  get<T = unknown>(url: string, config?: AxiosRequestConfig): Promise<AxiosResponse<T>>;
  delete<T = unknown>(url: string, config?: AxiosRequestConfig): Promise<AxiosResponse<T>>;
  post<T = unknown>(url: string, data?: unknown, config?: AxiosRequestConfig): Promise<AxiosResponse<T>>;
  /** The connector's base URL (an origin check, a cache key). */
  readonly defaults: { readonly baseURL?: string };
}

/**
 * The client for `ctx.http` in `run` actions: base URL, auth, timeout, TLS on, `Idempotency-Key` on
 * writes, the run's abort signal, a size cap and NodeErrors, all from `sendRequest` on the
 * connector's shared instance, so a call costs no axios instance of its own.
 */
export function createHttpClient(options: HttpClientOptions): ConnectorHttp {
  return new SharedInstanceClient(options);
}

/** A class, not an object of closures: one allocation per node call, the methods live on the prototype. */
class SharedInstanceClient implements ConnectorHttp {
  readonly #options: HttpClientOptions;

  constructor(options: HttpClientOptions) {
    this.#options = options;
  }

  get defaults(): { baseURL?: string } {
    return { baseURL: this.#options.baseURL };
  }

  request<T = unknown>(config: AxiosRequestConfig): Promise<AxiosResponse<T>> {
    return sendRequest<T>(this.#options, config);
  }

  get<T = unknown>(url: string, config?: AxiosRequestConfig): Promise<AxiosResponse<T>> {
    return sendRequest<T>(this.#options, { ...config, method: 'get', url });
  }

  delete<T = unknown>(url: string, config?: AxiosRequestConfig): Promise<AxiosResponse<T>> {
    return sendRequest<T>(this.#options, { ...config, method: 'delete', url });
  }

  post<T = unknown>(url: string, data?: unknown, config?: AxiosRequestConfig): Promise<AxiosResponse<T>> {
    return sendRequest<T>(this.#options, { ...config, method: 'post', url, data });
  }
}

/**
 * One request on the connector's shared instance: the fast path for declarative actions and core.http,
 * with no per-call instance (a chain of calls costs what a bare axios loop costs). Errors are NodeErrors.
 */
export async function sendRequest<T = unknown>(
  options: HttpClientOptions,
  config: AxiosRequestConfig,
): Promise<AxiosResponse<T>> {
  const egress = egressFor(options.egress, options.credentialHosts);
  const instance = sharedInstance(loadedAxios() ?? (await loadAxios()), options, egress);
  try {
    if (options.credentialHosts !== undefined) checkCredentialHost(options, options.credentialHosts, config.url);
    const request = requestConfig(options, config);
    if (proxied.has(instance)) await checkProxiedDestination(instance.getUri(request), egress);
    const response = await instance.request<T>(request);
    const location = redirectLocation(response.status, response.headers);
    const limit = config.maxRedirects ?? MAX_REDIRECTS;
    if (location === undefined || limit === 0) return response;
    return await followRedirects(instance, egress, options, request, response, location, limit);
  } catch (error) {
    throw toNodeError(error, errorContext(options));
  }
}

/**
 * Follows `Location` hop by hop under our own rules (`redirectedRequest`). axios itself never
 * follows: its redirect library costs every call about a tenth of its time, redirect or not. A hop
 * that keeps a body (307, 308) to a host the credential is not bound to is refused: the body may
 * carry the credential (an OAuth client secret), and only headers and basic auth are dropped.
 */
async function followRedirects<T>(
  instance: AxiosInstance,
  egress: CompiledEgress,
  options: HttpClientOptions,
  first: AxiosRequestConfig,
  answer: AxiosResponse<T>,
  firstLocation: string,
  limit: number,
): Promise<AxiosResponse<T>> {
  let request = first;
  let response = answer;
  let location: string | undefined = firstLocation;
  for (let hops = 0; location !== undefined; hops++) {
    if (hops === limit) throw tooManyRedirects(options.vendor, limit);
    discardBody(response.data);
    request = redirectedRequest(request, instance.getUri(request), response.status, location, options.vendor);
    if (options.credentialHosts !== undefined && request.data !== undefined) checkCredentialHost(options, options.credentialHosts, request.url);
    if (proxied.has(instance)) await checkProxiedDestination(instance.getUri(request), egress);
    response = await instance.request<T>(request);
    location = redirectLocation(response.status, response.headers);
  }
  return response;
}

/** The last target each credential's hosts were found to cover (the base URL, or a static URL): most calls skip the URL parse. */
const coveredTargets = new WeakMap<readonly string[], string>();

/**
 * Refuses a credentialed call to a host its credential is not bound to, before anything is sent.
 * A relative URL goes to the base URL; only an absolute one (a pagination link, a playbook's URL)
 * can leave it. Redirects need no check: a hop to another origin drops the credential.
 */
function checkCredentialHost(options: HttpClientOptions, hosts: readonly string[], url: string | undefined): void {
  const absolute = url !== undefined && /^[a-z][a-z0-9+.-]*:/i.test(url);
  const target = absolute ? url : options.baseURL;
  if (target === undefined || coveredTargets.get(hosts) === target) return;
  let parsed: URL;
  try {
    parsed = new URL(target);
  } catch {
    return;
  }
  if (credentialCovers(parsed, hosts)) {
    coveredTargets.set(hosts, target);
    return;
  }
  throw new NodeError('EGRESS_DENIED', `${options.vendor} credential is bound to ${hosts.join(', ')}; not sent to ${parsed.host}`, {
    vendor: options.connectorId,
  });
}

/**
 * Behind a proxy the connection goes to the proxy, so the destination is checked here instead: an
 * IP literal as it is, a name on what it resolves to here. A name that does not resolve here is
 * left to the proxy (which resolves it on its side; see README, Egress policy).
 */
async function checkProxiedDestination(url: string, egress: CompiledEgress): Promise<void> {
  const { host, port } = hostPortOf(new URL(url));
  if (isIpLiteral(host)) {
    const refusal = literalRefusal(host, port, egress);
    if (refusal !== undefined) throw refusal;
    return;
  }
  try {
    await resolveAllowed(host, port, egress);
  } catch (err) {
    if (err instanceof NodeError) throw err;
  }
}

/** A streamed redirect body is never read: release its socket. */
function discardBody(data: unknown): void {
  if (typeof data === 'object' && data !== null && 'destroy' in data && typeof data.destroy === 'function') data.destroy();
}

/**
 * Per-call config layered over the shared instance; the call's own values win over the
 * connector's. Only keys that carry a value are set: axios merges every key it is given, per
 * request, so a lean config is a cheaper call.
 */
function requestConfig(options: HttpClientOptions, config: AxiosRequestConfig): AxiosRequestConfig {
  const request: AxiosRequestConfig = {};
  if (options.baseURL !== undefined) request.baseURL = options.baseURL;
  if (options.timeoutMs !== undefined) request.timeout = options.timeoutMs;
  if (options.auth !== undefined) request.auth = options.auth;
  if (options.signal !== undefined) request.signal = options.signal;
  for (const key of Object.keys(config) as (keyof AxiosRequestConfig)[]) {
    if (key === 'params' || key === 'paramsSerializer' || key === 'headers' || key === 'maxRedirects') continue;
    if (config[key] !== undefined) (request as Record<string, unknown>)[key] = config[key];
  }
  const params = options.params === undefined ? config.params : { ...options.params, ...config.params };
  if (params !== undefined) {
    request.params = params;
    if (config.paramsSerializer !== undefined) request.paramsSerializer = config.paramsSerializer;
  }
  const headers = callHeaders(options, config);
  if (headers !== undefined) request.headers = headers;
  return request;
}

/** The connector's headers, the call's, and `Idempotency-Key` on writes; undefined when none. */
function callHeaders(options: HttpClientOptions, config: AxiosRequestConfig): RawAxiosRequestHeaders | undefined {
  const own = config.headers as RawAxiosRequestHeaders | undefined;
  const key = options.idempotencyKey !== undefined && !isIdempotentRead(config.method) ? options.idempotencyKey : undefined;
  if (options.headers === undefined && own === undefined && key === undefined) return undefined;
  const headers: RawAxiosRequestHeaders = { ...options.headers, ...own };
  if (key !== undefined) headers['Idempotency-Key'] = key;
  return headers;
}

function isIdempotentRead(method: string | undefined): boolean {
  const m = (method ?? 'get').toLowerCase();
  return m === 'get' || m === 'head' || m === 'options';
}

function sharedInstance(axios: Axios, options: HttpClientOptions, egress: CompiledEgress): AxiosInstance {
  const agents = agentsFor(options.connectorId, options.rejectUnauthorized !== false, egress);
  const cap = options.maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH;
  let byCap = shared.get(agents);
  if (byCap === undefined) {
    byCap = new Map();
    shared.set(agents, byCap);
  }
  let instance = byCap.get(cap);
  if (instance === undefined) {
    const throughProxy = environmentNamesProxy();
    instance = axios.create(baseConfig(agents, cap, throughProxy));
    if (throughProxy) proxied.add(instance);
    byCap.set(cap, instance);
  }
  return instance;
}

function baseConfig(agents: AgentPair, cap: number, throughProxy: boolean): CreateAxiosDefaults {
  return {
    ...agents,
    headers: { 'User-Agent': USER_AGENT },
    timeout: DEFAULT_TIMEOUT_MS,
    maxContentLength: cap,
    maxBodyLength: cap,
    // Redirects are followed by `sendRequest` itself.
    maxRedirects: 0,
    ...(throughProxy ? {} : { proxy: false as const }),
    validateStatus: isSuccess,
  };
}

function errorContext(options: HttpClientOptions): ErrorContext {
  return {
    vendor: options.vendor,
    connectorId: options.connectorId,
    idempotent: options.idempotent,
    vendorError: options.vendorError,
    secrets: options.secrets,
    signal: options.signal,
    clock: options.clock,
  };
}

