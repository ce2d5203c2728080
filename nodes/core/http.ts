import * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';
import { ACTION_PORTS } from '../../engine/node-type.ts';
import type { NodeContext, NodeTypeSpec } from '../../engine/node-type.ts';
import { parseCredential } from '../sdk/credential.ts';
import { credentialCovers, credentialHostsOf, parseAllowEntry } from '../sdk/egress.ts';
import { sendRequest } from '../sdk/http-client.ts';
import type { HttpClientOptions } from '../sdk/http-client.ts';
import { plainHeaders } from '../sdk/http-errors.ts';
import { secret, secretFieldsOf, secretValues } from '../sdk/secrets.ts';

/** One `allowedHosts` entry: a host name or an address, optionally with `:port`; no ranges or wildcards, a secret goes to named hosts. */
const hostEntry = z
  .string()
  .min(1)
  .max(300)
  .refine((entry) => isHostEntry(entry), 'must be a host name or an address, optionally with :port (e.g. siem.corp.local:8089)');

/**
 * The `http` credential: whichever secret the chosen auth mode needs, bound to the hosts it may be
 * sent to: `baseUrl`'s host (relative URLs resolve against it) and any `allowedHosts`. One of them
 * is required, so a stored secret is never sent to a URL a shared playbook chose.
 */
export const httpCredentials = z
  .object({
    baseUrl: z.url({ protocol: /^https?$/ }).optional().meta({ title: 'Base URL' }).describe('The API this credential is for; relative URLs resolve against it and the secret is sent to its host only.'),
    allowedHosts: z.array(hostEntry).max(50).optional().meta({ title: 'Allowed hosts' }).describe('Other hosts (host or host:port) the secret may be sent to, besides baseUrl’s.'),
    apiKey: secret(z.string().min(1)).optional().meta({ title: 'API key' }),
    token: secret(z.string().min(1)).optional().meta({ title: 'Bearer token' }),
    username: z.string().min(1).optional().meta({ title: 'Username' }),
    password: secret(z.string()).optional().meta({ title: 'Password' }),
    rejectUnauthorized: z.boolean().optional().meta({ title: 'Verify TLS certificate' }).describe('Set false only for an internal host with a self-signed certificate.'),
  })
  .refine((c) => c.baseUrl !== undefined || (c.allowedHosts?.length ?? 0) > 0, {
    message: 'set baseUrl (or allowedHosts): an http credential names the hosts it may be sent to',
    path: ['baseUrl'],
  });

type HttpCredentials = z.output<typeof httpCredentials>;

const HTTP_SECRETS = { secretFields: secretFieldsOf(httpCredentials) };

/** Lists in `query` repeat the key (`tag=a&tag=b`), as most REST APIs expect. */
const REPEATED_KEYS = { indexes: null };

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

const common = {
  url: z.string().min(1).max(8_192).meta({ title: 'URL' }).describe('Absolute http(s) URL, or a path when the credential sets baseUrl.'),
  query: z.record(z.string(), z.union([scalar, z.array(scalar)])).optional().meta({ title: 'Query parameters' }).describe('Query parameters.'),
  headers: z.record(z.string().regex(HEADER_NAME, 'must be an HTTP header name'), z.string()).optional().meta({ title: 'Headers' }),
  auth: z
    .enum(['none', 'apiKey', 'bearer', 'basic'])
    .default('none')
    .meta({ title: 'Authentication' })
    .describe('Which secret of the bound http credential to send: apiKey (header or query), bearer token, or basic.'),
  apiKeyHeader: z.string().regex(HEADER_NAME, 'must be an HTTP header name').default('X-API-Key').meta({ title: 'API key header' }).describe('Header that carries the API key.'),
  apiKeyQuery: z.string().min(1).max(100).optional().meta({ title: 'API key query parameter' }).describe('Send the API key as this query parameter instead of a header.'),
  timeoutMs: z.number().int().min(1).max(600_000).optional().meta({ title: 'Timeout (ms)' }),
  responseType: z.enum(['json', 'text']).default('json').meta({ title: 'Response type' }),
};

/** Params of core.http: any method, optional body. */
export const httpInput = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']).default('GET').meta({ title: 'Method' }),
  ...common,
  body: z.unknown().optional().meta({ title: 'Body' }).describe('Request body: an object is sent as JSON, a string as is.'),
});

/** Params of core.http_get: GET or HEAD only, no body. */
export const httpGetInput = z.strictObject({
  method: z.enum(['GET', 'HEAD']).default('GET').meta({ title: 'Method' }),
  ...common,
});

type HttpParams = z.output<typeof httpInput> | z.output<typeof httpGetInput>;

/** What a generic HTTP call outputs: enough to branch on status and read the body. */
export interface HttpOutput {
  status: number;
  /** Lower-cased; `set-cookie` is dropped. */
  headers: Record<string, string>;
  body: unknown;
}

/** The output schema of both HTTP nodes: status and headers known, the body whatever the server sent. */
export const httpOutput = z.object({
  status: z.number().describe('HTTP status code.'),
  headers: z.record(z.string(), z.string()).describe('Response headers, lower-cased.'),
  body: z.unknown().describe('The response body: parsed JSON, or text.'),
});

/** Example output (documentation, and the dry-run stand-in for core.http). */
export const HTTP_EXAMPLE: HttpOutput = {
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: { ok: true },
};

/** The credential binding of core.http nodes: optional, since many endpoints need none. */
export const HTTP_CREDENTIAL_BINDING = { connector: 'http', required: false, schema: httpCredentials } as const;

/** One generic REST call: auth from the bound `http` credential, errors mapped like any connector's. */
export async function runHttp(ctx: NodeContext, params: HttpParams): Promise<HttpOutput> {
  const bound = boundCredential(ctx.credentials);
  const { credentials, secrets } = bound;
  const url = resolvedUrl(params, bound);
  const options: HttpClientOptions = {
    vendor: url.host,
    connectorId: 'http',
    signal: ctx.cancellation,
    idempotencyKey: ctx.idempotencyKey,
    secrets,
    rejectUnauthorized: credentials.rejectUnauthorized,
    timeoutMs: params.timeoutMs,
    clock: ctx.clock,
    egress: ctx.egress,
    ...(params.auth === 'none' ? {} : { credentialHosts: bound.hosts }),
    ...authSettings(params, credentials),
  };
  const response = await sendRequest(options, {
    method: params.method,
    url: url.href,
    params: params.query,
    paramsSerializer: REPEATED_KEYS,
    headers: params.headers,
    data: 'body' in params ? params.body : undefined,
    responseType: params.responseType,
  });
  return { status: response.status, headers: plainHeaders(response.headers), body: response.data };
}

/** The last URL resolved for a params object (static params are the same object run after run), by bound credential. */
const resolvedUrls = new WeakMap<HttpParams, { bound: BoundHttpCredential; href: string; host: string }>();

/** `targetUrl`, remembered per params object: parsing a URL costs more than the rest of the call's set-up. */
function resolvedUrl(params: HttpParams, bound: BoundHttpCredential): { href: string; host: string } {
  const known = resolvedUrls.get(params);
  if (known !== undefined && known.bound === bound) return known;
  const sendsCredential = params.auth !== 'none' && bound !== UNBOUND;
  const url = targetUrl(params.url, bound.credentials.baseUrl, sendsCredential ? bound.hosts : undefined);
  const resolved = { bound, href: url.href, host: url.host };
  resolvedUrls.set(params, resolved);
  return resolved;
}

/** How a bad http credential is reported: `http credential field token: …`. */
const HTTP_OWNER = { label: 'http', wholeCredential: '?' };

/** The bound credential, checked, its secret values and the hosts it may be sent to (`host:port` or `host`). */
interface BoundHttpCredential {
  credentials: HttpCredentials;
  secrets: string[];
  hosts: readonly string[];
}

const UNBOUND: BoundHttpCredential = { credentials: {}, secrets: [], hosts: [] };
const boundCredentials = new WeakMap<object, BoundHttpCredential>();

/** The bound credential, checked once per credential object (a bad one is an AUTH error naming the field), with its secrets. */
function boundCredential(raw: Record<string, unknown> | undefined): BoundHttpCredential {
  if (raw === undefined) return UNBOUND;
  let bound = boundCredentials.get(raw);
  if (bound === undefined) {
    const credentials = parseCredential(httpCredentials, raw, HTTP_OWNER);
    const hosts = [...credentialHostsOf({ baseUrl: credentials.baseUrl }), ...(credentials.allowedHosts ?? []).map((entry) => entry.trim().toLowerCase())];
    bound = { credentials, secrets: secretValues(raw, HTTP_SECRETS), hosts };
    boundCredentials.set(raw, bound);
  }
  return bound;
}

/**
 * Resolves the URL; a call that sends the credential (`hosts` given) must go to one of the hosts
 * it is bound to, or it is refused before anything is sent.
 */
export function targetUrl(raw: string, baseUrl: string | undefined, hosts: readonly string[] | undefined): URL {
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(raw);
  if (!absolute && baseUrl === undefined) {
    throw new NodeError('INVALID_INPUT', `params.url "${raw}" must be absolute (or bind an http credential with a baseUrl)`);
  }
  let url: URL;
  try {
    url = new URL(absolute ? raw : `${baseUrl?.replace(/\/+$/, '')}/${raw.replace(/^\/+/, '')}`);
  } catch {
    throw new NodeError('INVALID_INPUT', `params.url "${raw}" is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new NodeError('INVALID_INPUT', `params.url must use http or https, not ${url.protocol}`);
  }
  if (hosts !== undefined && !credentialCovers(url, hosts)) {
    const bound = hosts.length === 0 ? 'no host' : hosts.join(', ');
    throw new NodeError('EGRESS_DENIED', `http credential is bound to ${bound}; not sent to ${url.host} (params.url)`);
  }
  return url;
}

/** Whether an `allowedHosts` entry names one host (an address or a name, optionally with :port), not a range. */
function isHostEntry(entry: string): boolean {
  try {
    const parsed = parseAllowEntry(entry);
    return parsed.kind === 'host' ? !parsed.subdomains : parsed.range[1] === (parsed.range[0].kind() === 'ipv4' ? 32 : 128);
  } catch {
    return false;
  }
}

function authSettings(params: HttpParams, credentials: HttpCredentials): Partial<HttpClientOptions> {
  switch (params.auth) {
    case 'none':
      return {};
    case 'apiKey': {
      const key = need(credentials.apiKey, 'apiKey', params.auth);
      return params.apiKeyQuery === undefined
        ? { headers: { [params.apiKeyHeader]: key } }
        : { params: { [params.apiKeyQuery]: key } };
    }
    case 'bearer':
      return { headers: { Authorization: `Bearer ${need(credentials.token, 'token', params.auth)}` } };
    case 'basic':
      return {
        auth: {
          username: need(credentials.username, 'username', params.auth),
          password: credentials.password ?? '',
        },
      };
  }
}

function need(value: string | undefined, field: string, mode: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new NodeError('AUTH', `core.http auth ${mode} needs a bound http credential with ${field}`);
}

/** Generic REST call with any method. Effect is write: a dry run simulates it (use core.http_get for reads). */
export const httpNode: NodeTypeSpec<z.output<typeof httpInput>, HttpOutput> = {
  type: 'core.http@1',
  connector: 'core',
  action: 'http',
  title: 'HTTP request',
  description: 'Calls any REST endpoint. Treated as a write (simulated in dry runs); use HTTP GET for lookups.',
  category: 'core',
  kind: 'action',
  effect: 'write',
  input: httpInput,
  output: httpOutput,
  example: HTTP_EXAMPLE,
  credentials: HTTP_CREDENTIAL_BINDING,
  ports: () => [...ACTION_PORTS],
  idempotent: false,
  run: runHttp,
};
