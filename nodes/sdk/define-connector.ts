import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import type * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';
import { ACTION_PORTS } from '../../engine/node-type.ts';
import type { Effect, NodeContext, NodeTypeSpec } from '../../engine/node-type.ts';
import { parseCredential } from './credential.ts';
import { credentialHostsOf } from './egress.ts';
import { createHttpClient, sendRequest } from './http-client.ts';
import type { ConnectorHttp, HttpClientOptions, HttpSettings } from './http-client.ts';
import { unexpectedResponse } from './http-errors.ts';
import type { VendorErrorExtractor } from './http-errors.ts';
import { secretFieldsOf, secretValues } from './secrets.ts';

/** Palette groups of the editor; one per kind of security tool, plus core and utility nodes. */
export type ConnectorCategory =
  | 'siem'
  | 'threat-intel'
  | 'edr'
  | 'firewall'
  | 'ticketing'
  | 'email'
  | 'chat'
  | 'identity'
  | 'vulnerability'
  | 'cloud'
  | 'core'
  | 'utility';

/** What a `run` action receives: the node context plus `http`, set up for this vendor, and the parsed credential. */
export interface ConnectorContext extends NodeContext {
  http: ConnectorHttp;
  /** The bound credential as the connector's schema parsed it (defaults applied); undefined without a schema. */
  credential: unknown;
}

interface ActionBase<I extends z.ZodType> {
  title: string;
  description: string;
  /** Params schema: forms are generated from its JSON Schema; vendor parameter names as the vendor spells them. */
  input: I;
  /** Documents the output shape (catalogue, completion); not enforced at run time. */
  output?: z.ZodType;
  effect: Effect;
  /** A realistic output: documents the shape and stands in for writes in a dry run. */
  example: unknown;
  /** Safe to repeat after an unknown outcome; defaults to `effect === 'read'`. */
  idempotent?: boolean;
}

/** A declarative action: one request built from the input, its response data optionally reshaped. */
export interface RequestAction<I extends z.ZodType = z.ZodType> extends ActionBase<I> {
  request(input: z.output<I>): AxiosRequestConfig;
  parse?(data: unknown, response: AxiosResponse): unknown;
  run?: never;
}

/** A programmatic action, for pagination and multi-call flows; `ctx.http` is ready to use. */
export interface RunAction<I extends z.ZodType = z.ZodType> extends ActionBase<I> {
  run(ctx: ConnectorContext, input: z.output<I>): Promise<unknown>;
  request?: never;
  parse?: never;
}

/** One vendor call; exactly one of `request` (with optional `parse`) or `run`. */
export type ConnectorAction<I extends z.ZodType = z.ZodType> = RequestAction<I> | RunAction<I>;

type CredentialsOf<C> = C extends z.ZodType ? z.output<C> : undefined;

/** The whole connector as a vendor folder writes it. */
export interface ConnectorDefinition<C extends z.ZodObject | undefined, A extends Record<string, z.ZodType>> {
  /** Slug: the first part of every node type (`virustotal.url_report@1`). */
  id: string;
  name: string;
  category: ConnectorCategory;
  docsUrl: string;
  description: string;
  /** Pinned in every node type; bump it when an action's input or output changes incompatibly. */
  version?: number;
  /** Credential fields; secret ones marked with `secret()`. Must include `baseUrl` when `http` is set. */
  credentials?: C;
  /** How `ctx.http` is configured from the (parsed) credential. */
  http?: (credentials: CredentialsOf<C>) => HttpSettings;
  /**
   * URLs the connector calls that are not URL fields of the credential (AWS's regional endpoints):
   * a credential is only ever sent to the hosts of its URL fields, its base URL and these.
   */
  endpoints?: (credentials: CredentialsOf<C>) => readonly string[];
  /** Extracts the vendor's own message from an error body; falls back to the common shapes. */
  vendorError?: VendorErrorExtractor;
  /** Response size cap in bytes (default 20 MB). */
  maxContentLength?: number;
  actions?: { [K in keyof A]: ConnectorAction<A[K]> };
  /** Hand-written specs for nodes that are not vendor calls (triggers, control flow). */
  nodes?: readonly NodeTypeSpec[];
}

/** A connector as the registry, catalogue and vault see it. */
export interface Connector {
  id: string;
  name: string;
  category: ConnectorCategory;
  docsUrl: string;
  description: string;
  version: number;
  credentials?: z.ZodObject;
  secretFields: string[];
  actions: Record<string, ConnectorAction>;
  specs: NodeTypeSpec[];
}

const SLUG = /^[a-z][a-z0-9_]*$/;

/**
 * Turns a connector definition into node specs (`${id}.${action}@${version}`, ports out/error): the one
 * place where credentials are checked, the HTTP client is configured and vendor errors become NodeErrors.
 */
export function defineConnector<C extends z.ZodObject | undefined = undefined, A extends Record<string, z.ZodType> = Record<string, never>>(
  def: ConnectorDefinition<C, A>,
): Connector {
  checkDefinition(def);
  const version = def.version ?? 1;
  const actions = (def.actions ?? {}) as Record<string, ConnectorAction>;
  const credentials = def.credentials as z.ZodObject | undefined;
  const secretFields = secretFieldsOf(credentials);
  const binding = bindingFor(def, credentials, secretFields);
  const specs = Object.entries(actions).map(([actionId, action]) => actionSpec(def, version, actionId, action, binding));
  for (const node of def.nodes ?? []) {
    if (node.connector !== def.id) throw new Error(`connector ${def.id}: node ${node.type} belongs to ${node.connector}`);
    specs.push(node);
  }
  return {
    id: def.id,
    name: def.name,
    category: def.category,
    docsUrl: def.docsUrl,
    description: def.description,
    version,
    credentials,
    secretFields,
    actions,
    specs,
  };
}

function checkDefinition(def: ConnectorDefinition<z.ZodObject | undefined, Record<string, z.ZodType>>): void {
  if (!SLUG.test(def.id)) throw new Error(`connector id "${def.id}" must be a slug (a-z, 0-9, _)`);
  if (def.version !== undefined && (!Number.isInteger(def.version) || def.version < 1)) {
    throw new Error(`connector ${def.id}: version must be a positive integer`);
  }
  if (def.http !== undefined && def.credentials?.shape['baseUrl'] === undefined) {
    throw new Error(`connector ${def.id}: credentials need a baseUrl field so the lab (or an on-prem host) can replace the vendor`);
  }
  for (const [actionId, action] of Object.entries(def.actions ?? {})) {
    if (!SLUG.test(actionId)) throw new Error(`connector ${def.id}: action id "${actionId}" must be a slug`);
    if ((action.request === undefined) === (action.run === undefined)) {
      throw new Error(`connector ${def.id}: action ${actionId} needs exactly one of request or run`);
    }
  }
}

/** Per-call plumbing shared by every action of one connector. */
interface Binding {
  /** What the context's credential yields (checked here), worked out once per credential object. */
  bound(ctx: NodeContext): Bound;
  /** The HTTP client options for one call. */
  clientOptions(ctx: NodeContext, bound: Bound, idempotent: boolean): HttpClientOptions;
  credentials?: NodeTypeSpec['credentials'];
}

/** One bound credential, parsed, with the HTTP settings, secret values and hosts derived from it. */
interface Bound {
  credential: unknown;
  settings: HttpSettings;
  secrets: string[] | undefined;
  /** Where the credential may be sent (`host:port`); undefined for a connector without credentials. */
  hosts: readonly string[] | undefined;
}

/** Stands in for "no credential bound" as a cache key, so an optional credential left unbound is parsed once too. */
const UNBOUND: Record<string, unknown> = Object.freeze({});

function bindingFor(
  def: ConnectorDefinition<z.ZodObject | undefined, Record<string, z.ZodType>>,
  schema: z.ZodObject | undefined,
  secretFields: string[],
): Binding {
  const required = schema !== undefined && !schema.safeParse({}).success;
  const cache = new WeakMap<object, Bound>();
  const http = def.http as ((credentials: unknown) => HttpSettings) | undefined;
  const endpoints = def.endpoints as ((credentials: unknown) => readonly string[]) | undefined;
  const owner = { label: def.name, vendor: def.id, wholeCredential: 'credential' };

  return {
    credentials: schema === undefined ? undefined : { connector: def.id, required, schema },
    bound(ctx) {
      const raw = ctx.credentials;
      if (raw === undefined && required) {
        throw new NodeError('AUTH', `${def.name}: no credential bound (connector ${def.id})`, { vendor: def.id });
      }
      const key = raw ?? UNBOUND;
      let bound = cache.get(key);
      if (bound === undefined) {
        const credential = schema === undefined ? undefined : parseCredential(schema, key, owner);
        const settings = http === undefined ? {} : withBaseUrl(http(credential));
        bound = {
          credential,
          settings,
          secrets: secretFields.length === 0 ? undefined : secretValues(raw, { secretFields }),
          hosts: schema === undefined ? undefined : credentialHostsOf(credential, [settings.baseURL, ...(endpoints?.(credential) ?? [])]),
        };
        cache.set(key, bound);
      }
      return bound;
    },
    clientOptions(ctx, bound, idempotent) {
      return {
        ...bound.settings,
        vendor: def.name,
        connectorId: def.id,
        signal: ctx.cancellation,
        idempotencyKey: ctx.idempotencyKey,
        idempotent,
        vendorError: def.vendorError,
        secrets: bound.secrets,
        maxContentLength: def.maxContentLength,
        clock: ctx.clock,
        egress: ctx.egress,
        credentialHosts: bound.hosts,
      };
    },
  };
}

/** The settings with `baseURL` free of trailing slashes: the one place it is normalised, for axios and for `ctx.http.defaults`. */
function withBaseUrl(settings: HttpSettings): HttpSettings {
  const baseURL = settings.baseURL?.replace(/\/+$/, '');
  return baseURL === settings.baseURL ? settings : { ...settings, baseURL };
}

function actionSpec(
  def: ConnectorDefinition<z.ZodObject | undefined, Record<string, z.ZodType>>,
  version: number,
  actionId: string,
  action: ConnectorAction,
  binding: Binding,
): NodeTypeSpec {
  const idempotent = action.idempotent ?? action.effect === 'read';
  return {
    type: `${def.id}.${actionId}@${version}`,
    connector: def.id,
    action: actionId,
    title: action.title,
    description: action.description,
    category: def.category,
    kind: 'action',
    effect: action.effect,
    input: action.input,
    example: action.example,
    ...(action.output === undefined ? {} : { output: action.output }),
    credentials: binding.credentials,
    ports: () => [...ACTION_PORTS],
    idempotent,
    run: async (ctx, input) => {
      const bound = binding.bound(ctx);
      const options = binding.clientOptions(ctx, bound, idempotent);
      if (action.run !== undefined) return action.run(connectorContext(ctx, options, bound.credential), input);
      const response = await sendRequest(options, action.request(input));
      return action.parse === undefined ? response.data : parseResponse(action, response, def.name, def.id);
    },
  };
}

function parseResponse(action: RequestAction, response: AxiosResponse, vendor: string, connectorId: string): unknown {
  try {
    return action.parse?.(response.data, response);
  } catch (error) {
    if (error instanceof NodeError) throw error;
    throw unexpectedResponse(vendor, connectorId, error, response.status);
  }
}

/**
 * The node context plus `http` and `credential`. The context stays the prototype, so every
 * NodeContext member, present or future, reads through.
 */
function connectorContext(ctx: NodeContext, options: HttpClientOptions, credential: unknown): ConnectorContext {
  return Object.create(ctx, {
    http: { value: createHttpClient(options), enumerable: true },
    credential: { value: credential, enumerable: true },
  }) as ConnectorContext;
}
