import { NodeError } from '../../engine/errors.ts';
import type { ConnectorContext } from '../sdk/define-connector.ts';
import { unexpectedResponse } from '../sdk/http-errors.ts';

/** One entry of splunkd's `messages` list (`{messages:[{type,text}]}` on errors, job and results bodies). */
export interface SplunkMessage {
  type: string;
  text: string;
}

/** A row of search results: Splunk sends every value as a string, multivalue fields as string lists. */
export type SplunkResult = Record<string, unknown>;

/** What a finished search job yields. */
export interface SearchOutcome {
  sid: string;
  results: SplunkResult[];
  /** Rows returned here (at most `limit`). */
  count: number;
  /** Rows the job produced (`resultCount` of the job). */
  resultCount: number;
  /** More rows exist than `limit` let through. */
  truncated: boolean;
  /** Warnings and notes splunkd attached to the job or its results. */
  messages: SplunkMessage[];
}

/** How one search job is dispatched, awaited and read. */
export interface SearchRequest {
  search: string;
  earliest_time?: string;
  latest_time?: string;
  limit: number;
  /** Rows per results request (Splunk's `count`). */
  count: number;
  maxWaitMs: number;
}

const JOBS = '/services/search/jobs';
const FIRST_POLL_MS = 500;
const MAX_POLL_MS = 5_000;

/**
 * splunkd runs event searches only when the text starts with the `search` command; generating
 * searches start with `|`. Anything else gets `search ` in front, as Splunk Web does.
 */
export function normalizeSearch(query: string): string {
  const text = query.trim();
  if (/^search(\s|$)/i.test(text) || text.startsWith('|')) return text;
  return `search ${text}`;
}

/** Wait before status poll `poll + 1`: 0.5 s doubling to a 5 s ceiling, so short searches return fast. */
export function pollDelayMs(poll: number): number {
  return Math.min(FIRST_POLL_MS * 2 ** poll, MAX_POLL_MS);
}

/** The messages of a splunkd body: a `[{type,text}]` list, or the older `{type: [text…]}` map. */
export function messagesOf(value: unknown): SplunkMessage[] {
  if (Array.isArray(value)) {
    return value.flatMap((m: unknown) => {
      if (m === null || typeof m !== 'object') return [];
      const { type, text } = m as { type?: unknown; text?: unknown };
      return typeof text === 'string' ? [{ type: typeof type === 'string' ? type : 'INFO', text }] : [];
    });
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([type, texts]) =>
      (Array.isArray(texts) ? texts : [texts]).filter((t): t is string => typeof t === 'string').map((text) => ({ type: type.toUpperCase(), text })),
    );
  }
  return [];
}

/** The one line a failed call or job reports: its FATAL/ERROR messages first, else whatever it said. */
export function messageLine(messages: readonly SplunkMessage[]): string | undefined {
  const serious = messages.filter((m) => /^(FATAL|ERROR)$/i.test(m.type));
  const chosen = serious.length > 0 ? serious : messages;
  return chosen.length === 0 ? undefined : chosen.map((m) => m.text).join('; ');
}

/**
 * splunkd's error bodies: `{messages:[{type,text}]}` (401 'call not properly authenticated',
 * 404 'Unknown sid.', 400 search parse errors) and Enterprise Security's `{success:false,message}`.
 */
export function splunkError(_status: number, body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return typeof body === 'string' && body.trim() !== '' && !body.trim().startsWith('<') ? body.trim() : undefined;
  const record = body as { messages?: unknown; message?: unknown };
  const line = messageLine(messagesOf(record.messages));
  if (line !== undefined) return line;
  return typeof record.message === 'string' ? record.message : undefined;
}

interface JobContent {
  dispatchState?: unknown;
  isDone?: unknown;
  isFailed?: unknown;
  resultCount?: unknown;
  messages?: unknown;
}

function flag(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 'true';
}

/** Where a job stands, from the `entry[0].content` of GET search/jobs/{sid}. */
export function jobPhase(content: JobContent | undefined): 'done' | 'failed' | 'running' {
  if (content === undefined) return 'running';
  if (content.dispatchState === 'FAILED' || flag(content.isFailed)) return 'failed';
  if (content.dispatchState === 'DONE' || flag(content.isDone)) return 'done';
  return 'running';
}

/** POST search/jobs (form-encoded) → 201 `{sid}`. */
async function dispatch(ctx: ConnectorContext, request: SearchRequest): Promise<string> {
  const form = new URLSearchParams({ search: normalizeSearch(request.search), output_mode: 'json' });
  if (request.earliest_time !== undefined) form.set('earliest_time', request.earliest_time);
  if (request.latest_time !== undefined) form.set('latest_time', request.latest_time);
  const response = await ctx.http.post<unknown>(JOBS, form);
  const sid = (response.data as { sid?: unknown } | undefined)?.sid;
  if (typeof sid !== 'string' || sid === '') throw unexpectedResponse('Splunk', 'splunk', 'no sid for the new search job', response.status);
  return sid;
}

/** GET search/jobs/{sid}: the job's content, or undefined while splunkd answers 204 (not ready). */
async function jobContent(ctx: ConnectorContext, sid: string): Promise<JobContent | undefined> {
  const response = await ctx.http.get<unknown>(`${JOBS}/${encodeURIComponent(sid)}`, { params: { output_mode: 'json' } });
  if (response.status === 204) return undefined;
  const entry = (response.data as { entry?: Array<{ content?: JobContent }> } | undefined)?.entry?.[0];
  if (entry?.content === undefined) throw unexpectedResponse('Splunk', 'splunk', `no entry[0].content for job ${sid}`, response.status);
  return entry.content;
}

/** Best effort: a job we gave up on should not keep a search slot busy until its TTL runs out. */
async function cancel(ctx: ConnectorContext, sid: string): Promise<void> {
  try {
    await ctx.http.post(`${JOBS}/${encodeURIComponent(sid)}/control`, new URLSearchParams({ action: 'cancel', output_mode: 'json' }));
  } catch {
    ctx.log('warn', `could not cancel Splunk search job ${sid}`);
  }
}

/** Polls the job (sleeping on the run's clock) until DONE; FAILED and an exhausted wait are errors. */
async function awaitJob(ctx: ConnectorContext, sid: string, maxWaitMs: number): Promise<JobContent> {
  let waited = 0;
  for (let poll = 0; ; poll++) {
    const content = await jobContent(ctx, sid);
    const phase = jobPhase(content);
    if (phase === 'done' && content !== undefined) return content;
    if (phase === 'failed') {
      const detail = messageLine(messagesOf(content?.messages)) ?? 'no message';
      throw new NodeError('VENDOR', `Splunk search job ${sid} failed: ${detail}`, { vendor: 'splunk', details: { sid, messages: content?.messages } });
    }
    const delay = pollDelayMs(poll);
    if (waited + delay > maxWaitMs) {
      await cancel(ctx, sid);
      const state = typeof content?.dispatchState === 'string' ? content.dispatchState : 'not ready';
      throw new NodeError('TIMEOUT', `Splunk search job ${sid} still ${state} after ${Math.round(waited / 1000)} s (max_wait_seconds); job cancelled`, { vendor: 'splunk' });
    }
    await ctx.clock.sleep(delay, ctx.signal);
    waited += delay;
  }
}

/** GET search/jobs/{sid}/results with `count`/`offset` pages until `limit` rows or the job's rows run out. */
async function readResults(ctx: ConnectorContext, sid: string, request: SearchRequest, resultCount: number | undefined) {
  const results: SplunkResult[] = [];
  const messages: SplunkMessage[] = [];
  let offset = 0;
  while (results.length < request.limit && (resultCount === undefined || offset < resultCount)) {
    const count = Math.min(request.count, request.limit - results.length);
    const response = await ctx.http.get<unknown>(`${JOBS}/${encodeURIComponent(sid)}/results`, { params: { output_mode: 'json', count, offset } });
    if (response.status === 204) break;
    const body = response.data as { results?: unknown; messages?: unknown } | undefined;
    if (!Array.isArray(body?.results)) throw unexpectedResponse('Splunk', 'splunk', `no results list for job ${sid}`, response.status);
    const page = body.results.filter((r): r is SplunkResult => r !== null && typeof r === 'object');
    if (offset === 0) messages.push(...messagesOf(body.messages));
    results.push(...page);
    offset += page.length;
    if (page.length < count) break;
  }
  return { results, messages };
}

/** Dispatches a search, waits for it and reads its results: the whole search-job flow of the REST API. */
export async function runSearchJob(ctx: ConnectorContext, request: SearchRequest): Promise<SearchOutcome> {
  const sid = await dispatch(ctx, request);
  const content = await awaitJob(ctx, sid, request.maxWaitMs);
  const total = Number(content.resultCount);
  const resultCount = Number.isFinite(total) ? total : undefined;
  const { results, messages } = await readResults(ctx, sid, request, resultCount);
  const rows = resultCount ?? results.length;
  return {
    sid,
    results,
    count: results.length,
    resultCount: rows,
    truncated: rows > results.length,
    messages: [...messagesOf(content.messages), ...messages],
  };
}
