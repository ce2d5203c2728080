import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { evaluateExpression } from '../../../engine/expressions/expression.ts';
import { InboxUnavailableError } from '../contract.ts';
import type { EventInbox, LiveTrigger, TriggerHealth, TriggerSource } from '../contract.ts';
import { readBody } from '../../server/read-body.ts';
import { takeToken } from './rate-limit.ts';
import type { Bucket } from './rate-limit.ts';
import { bodyKind, parseBody, queryObject, storedHeaders } from './request-payload.ts';
import { WEBHOOK_TYPE, planRoutes } from './routes.ts';
import type { RefusedTrigger, WebhookRoute } from './routes.ts';
import { hmacSha256 } from './verify/verdict.ts';
import { proofHeaders, verifyRequest } from './verify/verify-request.ts';

/** The port `switchboard serve` listens for webhooks on unless told otherwise. */
export const DEFAULT_HOOKS_PORT = 8787;

/** The URL prefix every webhook path lives under. */
const HOOKS_PREFIX = '/hooks/';

/** Where the listener binds; with `tls`, it serves HTTPS (advised for any address but loopback). */
export interface HooksListen {
  host: string;
  port: number;
  tls?: { cert: string | Buffer; key: string | Buffer };
}

/** What the webhook source needs: the inbox, the vault (through the host), where to listen, a clock. */
export interface WebhookSourceOptions {
  inbox: EventInbox;
  /** The secret of the trigger's credential slot, from the vault; undefined when none is bound. */
  secretFor(trigger: LiveTrigger): Promise<string | undefined>;
  listen: HooksListen;
  now?: () => number;
  /** One line per trigger problem (never a body or a header). */
  log?: (line: string) => void;
}

/** A webhook source: the TriggerSource, plus the listener's base URL once it is listening. */
export interface WebhookSource extends TriggerSource {
  /** `http://127.0.0.1:<port>/hooks/`. */
  readonly url: string;
}

/** Per-trigger counters and state that live across syncs. */
interface TriggerStats {
  bucket?: Bucket;
  lastEventAt?: number;
  lastSuccessAt?: number;
  lastError?: string;
  consecutiveFailures: number;
  counts: { accepted: number; duplicate: number; refused: number; limited: number; unavailable: number };
}

/** A route with what the loop needs at request time: the secret and the answer to any request while broken. */
interface LiveRoute extends WebhookRoute {
  secret?: string;
  /** Set when the trigger cannot verify anything (no secret bound): every request is refused. */
  problem?: string;
}

/** The fixed answers: the same body for every refusal of a kind, so they reveal nothing. */
const ANSWERS = {
  unauthorized: { status: 401, body: { error: 'unauthorized' } },
  notFound: { status: 404, body: { error: 'no webhook at this path' } },
  methodNotAllowed: { status: 405, body: { error: 'method not allowed' } },
  unsupported: { status: 415, body: { error: 'Content-Type must be application/json or application/x-www-form-urlencoded' } },
  limited: { status: 429, body: { error: 'rate limit of this webhook exceeded' } },
  unavailable: { status: 503, body: { error: 'the event inbox cannot commit now; retry' } },
} as const;

/** Headers that carry a proof in some verification: a request holding one to an unknown path gets 401, not 404. */
const PROOF_HEADERS = ['authorization', 'webhook-signature', 'x-hub-signature-256', 'x-slack-signature'];

/** A per-process key for the decoy HMAC computed for unknown paths, so they take the time a real check does. */
const DECOY_KEY = crypto.randomBytes(32);

const EXPRESSION_LIMITS = { timeoutMs: 50, maxDepth: 50 };

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

function send(res: http.ServerResponse, answer: { status: number; body: unknown }, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** Answers and then closes the connection without reading the rest of the request body. */
function sendAndClose(req: http.IncomingMessage, res: http.ServerResponse, answer: { status: number; body: unknown }): void {
  req.pause();
  send(res, answer, { connection: 'close' });
}


function stringKey(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === '' ? undefined : text.slice(0, 500);
}

/**
 * The webhook TriggerSource: its own HTTP(S) listener (apart from the editor's token-guarded
 * server) answering on /hooks/<path> for the live webhook triggers `sync` gives it. It writes each
 * verified request to the inbox and answers 202 only once the inbox has committed it.
 */
export async function createWebhookSource(options: WebhookSourceOptions): Promise<WebhookSource> {
  const now = options.now ?? Date.now;
  const loopback = isLoopback(options.listen.host);
  const stats = new Map<string, TriggerStats>();
  let routes = new Map<string, LiveRoute>();
  let refused: RefusedTrigger[] = [];
  let extraProofHeaders: string[] = [];
  let closed = false;

  const statsOf = (key: string): TriggerStats => {
    let entry = stats.get(key);
    if (entry === undefined) {
      entry = { consecutiveFailures: 0, counts: { accepted: 0, duplicate: 0, refused: 0, limited: 0, unavailable: 0 } };
      stats.set(key, entry);
    }
    return entry;
  };

  const fail = (route: LiveRoute, reason: string, count: 'refused' | 'unavailable') => {
    const entry = statsOf(route.key);
    entry.counts[count] += 1;
    entry.consecutiveFailures += 1;
    if (entry.lastError !== reason) options.log?.(`webhook ${route.params.path} (${route.key}): ${reason}`);
    entry.lastError = reason;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://hooks.invalid');
    const path = url.pathname.startsWith(HOOKS_PREFIX) ? url.pathname.slice(HOOKS_PREFIX.length) : undefined;
    const route = path === undefined ? undefined : routes.get(path);
    if (route === undefined) {
      const carriesProof = [...PROOF_HEADERS, ...extraProofHeaders].some((name) => req.headers[name] !== undefined);
      if (!carriesProof) return sendAndClose(req, res, ANSWERS.notFound);
      const body = await readBody(req, 1024 * 1024);
      if (Buffer.isBuffer(body)) hmacSha256(DECOY_KEY, body);
      return sendAndClose(req, res, ANSWERS.unauthorized);
    }
    if (req.method !== route.params.method) return sendAndClose(req, res, ANSWERS.methodNotAllowed);
    const entry = statsOf(route.key);
    const take = takeToken(entry.bucket, route.params.rateLimitPerMinute, now());
    entry.bucket = take.bucket;
    if (!take.allowed) {
      entry.counts.limited += 1;
      req.pause();
      return send(res, ANSWERS.limited, { 'retry-after': String(Math.ceil(take.retryAfterMs / 1000)), connection: 'close' });
    }
    const max = route.params.maxBodyBytes;
    const tooLarge = { status: 413, body: { error: `body over ${max} bytes` } };
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (declared !== undefined && declared > max) return sendAndClose(req, res, tooLarge);
    const kind = bodyKind(req.headers['content-type'], declared ?? (req.headers['transfer-encoding'] === undefined ? 0 : undefined));
    if (kind === undefined) return sendAndClose(req, res, ANSWERS.unsupported);
    const raw = await readBody(req, max);
    if (raw === 'aborted') return;
    if (raw === 'too-large') return sendAndClose(req, res, tooLarge);
    const receivedAt = now();
    const verdict =
      route.problem !== undefined || route.secret === undefined && route.verification.type !== 'none'
        ? { ok: false as const, reason: route.problem ?? 'no secret bound' }
        : verifyRequest(route.verification, { body: raw, headers: req.headers, secret: route.secret ?? '', now: receivedAt }, loopback);
    entry.lastEventAt = receivedAt;
    if (!verdict.ok) {
      fail(route, verdict.reason, 'refused');
      return send(res, ANSWERS.unauthorized);
    }
    const parsed = parseBody(kind, raw);
    if (!parsed.ok) {
      fail(route, parsed.reason, 'refused');
      return send(res, { status: 400, body: { error: parsed.reason } });
    }
    const payload = {
      body: parsed.body,
      headers: storedHeaders(req.headers, route.verification),
      query: queryObject(url.searchParams),
      receivedAt: new Date(receivedAt).toISOString(),
    };
    let dedupeKey = verdict.deliveryId;
    if (route.dedupe !== undefined) {
      try {
        const run = { id: '', started: receivedAt, mode: 'webhook', dryRun: false };
        dedupeKey = stringKey(await evaluateExpression(route.dedupe, { trigger: payload, nodes: {}, vars: {}, run }, EXPRESSION_LIMITS)) ?? dedupeKey;
      } catch (err) {
        entry.lastError = `dedupeKey: ${err instanceof Error ? err.message : String(err)}; the delivery id was used`;
      }
    }
    try {
      const accepted = await options.inbox.accept({
        playbookId: route.trigger.playbookId,
        revision: route.trigger.revision,
        triggerNodeId: route.trigger.triggerNodeId,
        source: 'webhook',
        receivedAt,
        ...(dedupeKey === undefined ? {} : { dedupeKey }),
        dedupeWindowMs: route.params.dedupeWindowSeconds * 1000,
        payload,
      });
      entry.counts[accepted.duplicate ? 'duplicate' : 'accepted'] += 1;
      entry.consecutiveFailures = 0;
      entry.lastSuccessAt = receivedAt;
      send(res, { status: 202, body: { eventId: accepted.event.id, status: accepted.duplicate ? 'duplicate' : 'accepted' } });
    } catch (err) {
      if (err instanceof InboxUnavailableError) {
        fail(route, 'the inbox could not commit the event (answered 503)', 'unavailable');
        return send(res, ANSWERS.unavailable, { 'retry-after': '5' });
      }
      const reason = `the inbox refused the event: ${err instanceof Error ? err.message : String(err)}`;
      fail(route, reason, 'refused');
      send(res, { status: 422, body: { error: 'the event was refused by the inbox' } });
    }
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, { status: 500, body: { error: 'internal error' } }, { connection: 'close' });
      else res.destroy();
    });
  };
  const server = options.listen.tls === undefined ? http.createServer(onRequest) : https.createServer({ cert: options.listen.tls.cert, key: options.listen.tls.key }, onRequest);
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostText = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${options.listen.tls === undefined ? 'http' : 'https'}://${hostText}:${address.port}${HOOKS_PREFIX}`;

  return {
    types: [WEBHOOK_TYPE],
    url,
    async sync(triggers: readonly LiveTrigger[]): Promise<void> {
      const owners = new Map([...routes].map(([path, route]) => [path, route.key]));
      const plan = planRoutes(triggers, owners, loopback);
      const next = new Map<string, LiveRoute>();
      for (const [path, route] of plan.routes) {
        const live: LiveRoute = { ...route };
        if (route.verification.type !== 'none') {
          const secret = await options.secretFor(route.trigger).catch(() => undefined);
          if (secret === undefined || secret === '') {
            live.problem = route.trigger.credential === undefined
              ? 'no secret: bind a webhook credential to this trigger'
              : `no secret: credential slot ${route.trigger.credential} has no webhook credential with a secret bound`;
          } else live.secret = secret;
        }
        next.set(path, live);
      }
      for (const item of plan.refused) options.log?.(`webhook trigger ${item.key}: ${item.problem}`);
      const keep = new Set([...next.values()].map((r) => r.key));
      for (const key of stats.keys()) if (!keep.has(key)) stats.delete(key);
      routes = next;
      refused = plan.refused;
      extraProofHeaders = [...next.values()].flatMap((r) => proofHeaders(r.verification));
    },
    health(): TriggerHealth[] {
      const served = [...routes.values()].map((route): TriggerHealth => {
        const entry = statsOf(route.key);
        const health: TriggerHealth = {
          playbookId: route.trigger.playbookId,
          triggerNodeId: route.trigger.triggerNodeId,
          type: WEBHOOK_TYPE,
          state: route.problem !== undefined || entry.consecutiveFailures > 0 ? 'failing' : 'ok',
          describe: `${route.params.method} ${url}${route.params.path} (${route.verification.type})`,
          consecutiveFailures: entry.consecutiveFailures,
          counts: { ...entry.counts },
        };
        if (entry.lastEventAt !== undefined) health.lastEventAt = entry.lastEventAt;
        if (entry.lastSuccessAt !== undefined) health.lastSuccessAt = entry.lastSuccessAt;
        const lastError = route.problem ?? entry.lastError;
        if (lastError !== undefined) health.lastError = lastError;
        return health;
      });
      const broken = refused.map((item): TriggerHealth => ({
        playbookId: item.trigger.playbookId,
        triggerNodeId: item.trigger.triggerNodeId,
        type: WEBHOOK_TYPE,
        state: 'failing',
        describe: item.path === undefined ? `${url}(no path)` : `${url}${item.path}`,
        lastError: item.problem,
        consecutiveFailures: 0,
      }));
      return [...served, ...broken];
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      routes = new Map();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
    },
  };
}
