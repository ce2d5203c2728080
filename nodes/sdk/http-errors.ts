import type { AxiosError } from 'axios';
import { NodeError } from '../../engine/errors.ts';
import type { NodeErrorCode } from '../../engine/errors.ts';
import { classifyStatus, classifyTransportError, parseRetryAfter } from '../../engine/http-failures.ts';
import type { Cancellation } from '../../engine/node-type.ts';
import type { Clock } from '../../engine/ports.ts';

/** Pulls the vendor's own one-line message out of an error body (e.g. VirusTotal's `{error:{code,message}}`). */
export type VendorErrorExtractor = (
  status: number,
  body: unknown,
  headers: Record<string, string>,
) => string | undefined;

/** What the mapper needs to know about the call that failed. */
export interface ErrorContext {
  /** Display name that starts every message: `VirusTotal 401 …`. */
  vendor: string;
  /** Connector id, kept on the error as `vendor`. */
  connectorId?: string;
  /** The whole action may be repeated safely, whatever the method (a read-only POST search). */
  idempotent?: boolean;
  vendorError?: VendorErrorExtractor;
  /** Values scrubbed from every message (the credential's secrets). */
  secrets?: readonly string[];
  /** The run's signal: its reason tells a stop from a node timeout. */
  signal?: Cancellation;
  clock?: Pick<Clock, 'now'>;
}

const IDEMPOTENT_METHODS = new Set(['get', 'head', 'options', 'put', 'delete', 'trace']);
const MAX_MESSAGE = 300;
const MAX_DETAIL_BODY = 4_096;

/** Whether an HTTP method may be repeated without changing the outcome (RFC 9110 §9.2.2). */
function isIdempotentMethod(method: string | undefined): boolean {
  return IDEMPOTENT_METHODS.has((method ?? 'get').toLowerCase());
}

/** axios's own test (`isAxiosError` checks this flag), without importing axios for it. */
function isAxiosError(error: unknown): error is AxiosError {
  return typeof error === 'object' && error !== null && (error as { isAxiosError?: unknown }).isAxiosError === true;
}

/** Maps anything a request threw onto a NodeError, so retries and error ports see one vocabulary. */
export function toNodeError(error: unknown, context: ErrorContext): NodeError {
  if (error instanceof NodeError) return error;
  const refusal = isAxiosError(error) ? egressRefusal(error.cause, context) : undefined;
  if (refusal !== undefined) return refusal;
  if (!isAxiosError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new NodeError('FAILED', redact(`${context.vendor}: ${message}`, context.secrets), { vendor: context.connectorId });
  }
  const response = error.response;
  if (response !== undefined && response.status >= 400) {
    return statusError(response.status, response.data, plainHeaders(response.headers), context, response.statusText);
  }
  const idempotent = context.idempotent === true || isIdempotentMethod(error.config?.method);
  return transportError(error.code, error.message, idempotent, context);
}

/** The egress policy's refusal raised while connecting (axios wraps it), tagged with the connector. */
function egressRefusal(cause: unknown, context: ErrorContext): NodeError | undefined {
  if (!(cause instanceof NodeError) || cause.code !== 'EGRESS_DENIED') return undefined;
  return new NodeError('EGRESS_DENIED', redact(cause.message, context.secrets), { vendor: context.connectorId });
}

/**
 * The VENDOR error for an answer whose body is not what the API documents, so every connector words
 * it alike: `${vendor} returned an unexpected response: ${problem}` (an Error thrown by a parser gives its message).
 */
export function unexpectedResponse(vendor: string, connectorId: string, problem: unknown, status?: number): NodeError {
  const what = problem instanceof Error ? problem.message : String(problem);
  return new NodeError('VENDOR', `${vendor} returned an unexpected response: ${what}`, { status, vendor: connectorId });
}

/** The error for an HTTP error status, with the vendor's message and any `Retry-After`. */
export function statusError(
  status: number,
  body: unknown,
  headers: Record<string, string>,
  context: ErrorContext,
  statusText?: string,
): NodeError {
  const code = classifyStatus(status);
  const detail = context.vendorError?.(status, body, headers) ?? defaultVendorMessage(body) ?? statusText;
  const message = oneLine(`${context.vendor} ${status}${detail ? ` ${detail}` : ''}`);
  const retryAfterMs =
    code === 'RATE_LIMITED' || status === 503 ? retryAfterFromHeaders(headers, context.clock?.now() ?? Date.now()) : undefined;
  return new NodeError(code, redact(message, context.secrets), {
    status,
    retryAfterMs,
    vendor: context.connectorId,
    details: smallBody(body, context.secrets),
  });
}

function transportError(
  systemCode: string | undefined,
  rawMessage: string,
  idempotent: boolean,
  context: ErrorContext,
): NodeError {
  if (systemCode === 'ERR_CANCELED') return abortError(context.signal, context.vendor);
  const init = { vendor: context.connectorId };
  if (rawMessage.includes('maxContentLength')) {
    return new NodeError('BAD_REQUEST', `${context.vendor} response refused: ${rawMessage} (narrow the request)`, init);
  }
  if (systemCode === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED' || rawMessage.includes('maxBodyLength')) {
    return new NodeError('BAD_REQUEST', `${context.vendor} request body too large: ${rawMessage}`, init);
  }
  const known = requestErrorCode(systemCode);
  const code = known ?? classifyTransportError(systemCode, idempotent);
  const suffix = code === 'UNKNOWN_OUTCOME' ? ' after the request was sent; its outcome is unknown' : '';
  const message = oneLine(`${context.vendor} ${systemCode ?? 'network error'}: ${rawMessage}${suffix}`);
  return new NodeError(code, redact(message, context.secrets), init);
}

function requestErrorCode(systemCode: string | undefined): NodeErrorCode | undefined {
  switch (systemCode) {
    case 'ERR_BAD_OPTION':
    case 'ERR_BAD_OPTION_VALUE':
    case 'ERR_INVALID_URL':
    case 'ERR_NOT_SUPPORT':
    case 'ERR_FORM_DATA_DEPTH_EXCEEDED':
      return 'BAD_REQUEST';
    case 'ERR_BAD_RESPONSE':
    case 'ERR_FR_TOO_MANY_REDIRECTS':
    case 'ERR_FR_REDIRECTION_FAILURE':
      return 'VENDOR';
    default:
      return undefined;
  }
}

/**
 * The error for an aborted call: the signal's own NodeError when the executor gave one (a node timeout),
 * TIMEOUT for `AbortSignal.timeout`, CANCELLED otherwise (the run was stopped).
 */
export function abortError(signal: Cancellation | AbortSignal | undefined, vendor = 'request'): NodeError {
  const reason: unknown = signal?.reason;
  if (reason instanceof NodeError) return reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new NodeError('TIMEOUT', `${vendor} timed out`);
  }
  return new NodeError('CANCELLED', `${vendor} cancelled`);
}

/**
 * How long the vendor asked us to wait: `Retry-After` (seconds or HTTP date), else the common
 * rate-limit reset headers (delta seconds, epoch seconds/milliseconds or an ISO date).
 */
export function retryAfterFromHeaders(headers: Record<string, string>, nowMs: number): number | undefined {
  const standard = parseRetryAfter(headers['retry-after'], nowMs);
  if (standard !== undefined) return standard;
  for (const name of ['x-ratelimit-retryafter', 'x-ratelimit-reset', 'x-rate-limit-reset', 'ratelimit-reset']) {
    const value = headers[name];
    if (value !== undefined) {
      const parsed = parseResetHeader(value, nowMs);
      if (parsed !== undefined) return parsed;
    }
  }
  return undefined;
}

function parseResetHeader(value: string, nowMs: number): number | undefined {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    if (n > 1e12) return Math.max(0, Math.round(n - nowMs));
    if (n > 1e9) return Math.max(0, Math.round(n * 1000 - nowMs));
    return Math.round(n * 1000);
  }
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * The vendor's message from the usual error-body shapes (VirusTotal, Graph, Okta, Jira, Splunk,
 * CrowdStrike, Elasticsearch, AWS, Slack, Shodan, plain text); undefined when there is none.
 */
export function defaultVendorMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return textMessage(body);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  const error = b['error'];
  if (typeof error === 'string') return joined(error, str(b['error_description']) ?? str(b['message']));
  if (isRecord(error)) {
    const message = str(error['message']) ?? str(error['reason']);
    if (message !== undefined) return joined(str(error['code']) ?? str(error['type']), message);
  }
  const first = firstOf(b['errors']) ?? firstOf(b['messages']);
  if (first !== undefined) return first;
  const errorMessages = b['errorMessages'];
  if (Array.isArray(errorMessages) && errorMessages.length > 0) return errorMessages.map(String).join('; ');
  if (str(b['errorSummary']) !== undefined) return joined(str(b['errorCode']), str(b['errorSummary']));
  const message = str(b['message']) ?? str(b['Message']) ?? str(b['detail']) ?? str(b['title']);
  if (message === undefined) return undefined;
  const type = str(b['__type'])?.split('#').pop() ?? str(b['type']) ?? str(b['code']);
  return joined(type, message);
}

function firstOf(list: unknown): string | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const item: unknown = list[0];
  if (typeof item === 'string') return item;
  if (!isRecord(item)) return undefined;
  const message = str(item['message']) ?? str(item['detail']) ?? str(item['text']) ?? str(item['title']);
  return message === undefined ? undefined : joined(str(item['code']), message);
}

function joined(code: string | undefined, message: string | undefined): string | undefined {
  if (message === undefined) return code;
  if (code === undefined || code === message) return message;
  return `${code}: ${message}`;
}

function textMessage(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('<')) return undefined;
  return trimmed.split('\n', 1)[0];
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE - 1)}…` : flat;
}

/** Replaces each secret value in `text` with `***` (short values are left: they would mangle text). */
export function redact(text: string, secrets: readonly string[] | undefined): string {
  if (secrets === undefined) return text;
  let out = text;
  for (const value of secrets) if (value.length >= 4) out = out.split(value).join('***');
  return out;
}

function smallBody(body: unknown, secrets: readonly string[] | undefined): { body: unknown } | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  let text: string;
  try {
    text = typeof body === 'string' ? body : JSON.stringify(body);
  } catch {
    return undefined;
  }
  if (text === undefined || text.length > MAX_DETAIL_BODY) return undefined;
  const clean = redact(text, secrets);
  return { body: clean === text ? body : clean };
}

/** Response headers as a plain lower-cased record (`set-cookie` dropped: it is session material). */
export function plainHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === null || typeof headers !== 'object') return out;
  const source = typeof (headers as { toJSON?: unknown }).toJSON === 'function'
    ? (headers as { toJSON(): Record<string, unknown> }).toJSON()
    : (headers as Record<string, unknown>);
  for (const key of Object.keys(source)) {
    const name = key.toLowerCase();
    const value = source[key];
    if (name === 'set-cookie' || value === undefined || value === null) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}
