import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunEvent } from '../engine/run/events.ts';
import { createHost, type Host } from '../host/host.ts';
import type { EventFrame } from '../host/protocol/contract.ts';
import { dispatch } from '../host/protocol/dispatch.ts';
import { openInboxStore } from '../host/triggers/inbox-store.ts';
import type { InboxEvent } from '../host/triggers/contract.ts';
import { startHostWebhooks } from '../host/triggers/webhooks/host-webhooks.ts';
import { createWebhookSource, type WebhookSource } from '../host/triggers/webhooks/listener.ts';
import { environmentKeyProvider } from '../host/vault/key-provider.ts';
import type { BenchResult } from './stats.ts';
import { benchResult, formatFigure, median } from './stats.ts';
import { startBaselineHookServer, openGroupLog, type BaselineHookServer } from './trigger-baseline.ts';
import { preciseNow, startLoadWorker, type LoadPlan, type LoadReport, type LoadWorker } from './trigger-load.ts';

/**
 * The `triggers` group (issue 12): webhooks into the durable inbox and on to runs, each side
 * loaded by the same signing client in a worker thread and measured in alternation with a bare
 * `node:http` baseline doing the same work by hand (bench/trigger-baseline.ts).
 */

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
/** Samples per side after one warm-up each: few, short ones, so the group stays near two minutes. */
const RUNS = 5;
const CONCURRENCY = 50;
const PACED_RATE = 200;

function progress(line: string): void {
  process.stderr.write(`  triggers: ${line}\n`);
}

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The `q` quantile (0–1) of a non-empty list, nearest rank. */
function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The listener's route for the benchmark hook: standard-webhooks, no rate limit in the way. */
const BENCH_TRIGGER = {
  playbookId: 'bench',
  revision: 1,
  triggerNodeId: 'hook',
  type: 'trigger.webhook@1',
  params: { path: 'bench', rateLimitPerMinute: 1_000_000 },
  credential: 'hook',
};

/** The real listener over the real embedded inbox (fdatasync per batch), without a dispatcher. */
async function startListenerAndInbox(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const inbox = await openInboxStore(dir);
  const source: WebhookSource = await createWebhookSource({ inbox, secretFor: async () => SECRET, listen: { host: '127.0.0.1', port: 0 } });
  await source.sync([BENCH_TRIGGER]);
  return {
    url: `${source.url}bench`,
    close: async () => {
      await source.close();
      await inbox.close();
    },
  };
}

let prefixCounter = 0;
function plan(url: string, fields: Omit<LoadPlan, 'url' | 'secret' | 'idPrefix'>): LoadPlan {
  return { url, secret: SECRET, idPrefix: `msg_${process.pid}_${prefixCounter++}`, ...fields };
}

function accepted(report: LoadReport): LoadReport['samples'] {
  const ok = report.samples.filter((s) => s.status === 202);
  const refused = report.samples.length - ok.length;
  if (refused > 0 || report.errors > 0) progress(`${refused} answers other than 202 and ${report.errors} failed requests`);
  return ok;
}

/** Runs `ours` and `base` alternately (one warm-up each, then RUNS each) and returns both lists. */
async function alternate(label: string, ours: () => Promise<number>, base: () => Promise<number>, unit: string): Promise<[number[], number[]]> {
  await ours();
  await base();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(await ours());
    b.push(await base());
    progress(`${label} ${i + 1}/${RUNS}: ours ${formatFigure(a[i]!)} ${unit}, baseline ${formatFigure(b[i]!)} ${unit}`);
  }
  return [a, b];
}

/** Events/s accepted by 50 keep-alive clients sending back to back: ours vs the bare server. Ratio: baseline/ours. */
export async function triggerWebhookThroughput(): Promise<BenchResult> {
  const dir = tempDir('switchboard-bench-hooks-');
  const ours = await startListenerAndInbox(dir);
  const base = await startBaselineHookServer(dir, SECRET);
  const load = startLoadWorker();
  try {
    const rate = async (url: string) => {
      const report = await load.run(plan(url, { concurrency: CONCURRENCY, total: 6_000, maxMs: 2_000 }));
      return (accepted(report).length / report.elapsedMs) * 1000;
    };
    const [a, b] = await alternate('throughput', () => rate(ours.url), () => rate(base.url), 'events/s');
    const result = benchResult('trigger-webhook-throughput', median(a), median(b));
    return { ...result, ratio: result.baseline / result.ours };
  } finally {
    await load.close();
    await ours.close();
    await base.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** p99 ms from request to 202 at a paced 200 events/s, ours vs the bare server (p50 on stderr). */
export async function triggerWebhookLatency(): Promise<BenchResult> {
  const dir = tempDir('switchboard-bench-hooks-');
  const ours = await startListenerAndInbox(dir);
  const base = await startBaselineHookServer(dir, SECRET);
  const load = startLoadWorker();
  const p50s: { ours: number[]; base: number[] } = { ours: [], base: [] };
  try {
    const p99 = async (url: string, into: number[]) => {
      const report = await load.run(plan(url, { concurrency: CONCURRENCY, total: PACED_RATE * 2, maxMs: 4_000, ratePerSecond: PACED_RATE }));
      const latencies = accepted(report).map((s) => s.answeredAt - s.sentAt);
      into.push(quantile(latencies, 0.5));
      return quantile(latencies, 0.99);
    };
    const [a, b] = await alternate('latency p99', () => p99(ours.url, p50s.ours), () => p99(base.url, p50s.base), 'ms');
    progress(`latency p50: ours ${formatFigure(median(p50s.ours))} ms, baseline ${formatFigure(median(p50s.base))} ms`);
    return benchResult('trigger-webhook-latency', median(a), median(b));
  } finally {
    await load.close();
    await ours.close();
    await base.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** webhook → set → condition → set: the 3-node playbook of the host benchmarks. */
const BENCH_PLAYBOOK = {
  format: 'switchboard/playbook@1',
  id: 'bench',
  name: 'Bench',
  credentials: { hook: { connector: 'webhook' } },
  nodes: [
    { id: 'hook', type: 'trigger.webhook@1', name: 'hook', credential: 'hook', params: { path: 'bench', rateLimitPerMinute: 1_000_000 } },
    { id: 'pick', type: 'core.set@1', name: 'pick', params: { values: { user: '{{ trigger.body.user }}', severity: '{{ trigger.body.severity }}' } } },
    { id: 'high', type: 'core.condition@1', name: 'high', params: { condition: "{{ nodes.pick.output.severity = 'high' }}" } },
    { id: 'verdict', type: 'core.set@1', name: 'verdict', params: { values: { user: '{{ nodes.pick.output.user }}', escalate: true } } },
  ],
  edges: [
    { id: 'e1', from: 'hook', port: 'out', to: 'pick' },
    { id: 'e2', from: 'pick', port: 'out', to: 'high' },
    { id: 'e3', from: 'high', port: 'true', to: 'verdict' },
  ],
};

/** A real host (workspace, vault, journal, run manager, inbox, dispatcher, webhook listener) with the bench playbook enabled. */
interface BenchHost {
  host: Host;
  url: string;
  close(): Promise<void>;
}

async function startBenchHost(): Promise<BenchHost> {
  const shipped = tempDir('switchboard-bench-shipped-');
  const workspace = tempDir('switchboard-bench-ws-');
  fs.writeFileSync(path.join(shipped, 'bench.playbook.json'), JSON.stringify(BENCH_PLAYBOOK));
  let hooks: WebhookSource | undefined;
  const host = await createHost({
    workspaceDir: workspace,
    shippedDir: shipped,
    keyProvider: environmentKeyProvider({ SWITCHBOARD_VAULT_KEY: randomBytes(32).toString('base64') }),
    maxLiveRuns: 1_000,
    triggerSources: async (deps) => [(hooks = await startHostWebhooks(deps, { host: '127.0.0.1', port: 0, explicitPort: true }))],
  });
  let id = 0;
  const call = async (method: string, params: unknown): Promise<Record<string, unknown>> => {
    const frame = await dispatch(JSON.stringify({ id: ++id, method, params }), host.context);
    if ('error' in frame) throw new Error(`${method}: ${frame.error.message}`);
    return frame.result as Record<string, unknown>;
  };
  const saved = (await call('credentials.save', { name: 'Bench secret', connector: 'webhook', values: { secret: SECRET } })) as { credential: { id: string } };
  await call('playbooks.bind', { playbookId: 'bench', slot: 'hook', credentialId: saved.credential.id });
  await call('triggers.enable', { playbookId: 'bench' });
  if (hooks === undefined) throw new Error('the host started no webhook listener');
  return {
    host,
    url: `${hooks.url}bench`,
    close: async () => {
      await host.close();
      fs.rmSync(shipped, { recursive: true, force: true });
      fs.rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/**
 * Follows a host's frames: for each event id, when its run's first node started and when the run
 * finished (epoch ms). Times are kept by run id until the inbox frame naming the run's event
 * arrives: under load a short run can finish before that frame, and a time dropped then left
 * the figure waiting for a run that had long finished (NaN).
 */
function watchRuns(host: Host): { firstNode: Map<string, number>; finished: Map<string, number>; stop(): void } {
  const eventOfRun = new Map<string, string>();
  const byRun = { firstNode: new Map<string, number>(), finished: new Map<string, number>() };
  const firstNode = new Map<string, number>();
  const finished = new Map<string, number>();
  const record = (times: Map<string, number>, key: string, at: number) => {
    if (!times.has(key)) times.set(key, at);
  };
  const stop = host.subscribe((frame: EventFrame) => {
    const at = preciseNow();
    if (frame.event === 'inbox.event') {
      const event = frame.payload as InboxEvent;
      if (event.runId === undefined || eventOfRun.has(event.runId)) return;
      eventOfRun.set(event.runId, event.id);
      const started = byRun.firstNode.get(event.runId);
      if (started !== undefined) record(firstNode, event.id, started);
      const ended = byRun.finished.get(event.runId);
      if (ended !== undefined) finished.set(event.id, ended);
      return;
    }
    if (frame.event !== 'run.event') return;
    const event = frame.payload as RunEvent;
    const eventId = eventOfRun.get(event.runId);
    if (event.type === 'node.started' || event.type === 'node.succeeded') {
      if (eventId === undefined) record(byRun.firstNode, event.runId, at);
      else record(firstNode, eventId, at);
    }
    if (event.type === 'run.finished') {
      if (eventId === undefined) byRun.finished.set(event.runId, at);
      else finished.set(eventId, at);
    }
  });
  return { firstNode, finished, stop };
}

async function until(check: () => boolean, maxMs: number): Promise<boolean> {
  const deadline = Date.now() + maxMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

/**
 * The bare way to start work after the 202: record the claim durably (group commit + fdatasync,
 * as our claim does), then call the first step. Times the same span: 202 sent → first step.
 */
function bareDispatch(dir: string): { started: Map<string, number>; finished: Map<string, number>; after: (eventId: string, event: { body: unknown }) => void; close(): void } {
  const claims = openGroupLog(path.join(dir, 'baseline-claims.jsonl'));
  const journal = openGroupLog(path.join(dir, 'baseline-journal.jsonl'));
  const started = new Map<string, number>();
  const finished = new Map<string, number>();
  const after = (eventId: string, event: { body: unknown }) => {
    void (async () => {
      await claims.append(`${JSON.stringify({ id: eventId, status: 'running', runId: `run-${eventId}` })}\n`);
      started.set(eventId, preciseNow());
      const body = event.body as { user?: string; severity?: string };
      const pick = { user: body.user, severity: body.severity };
      const high = pick.severity === 'high';
      const verdict = high ? { user: pick.user, escalate: true } : undefined;
      await journal.append(`${JSON.stringify({ runId: `run-${eventId}`, nodes: { pick, high, verdict }, status: 'succeeded' })}\n`);
      finished.set(eventId, preciseNow());
    })();
  };
  return { started, finished, after, close: () => { claims.close(); journal.close(); } };
}

interface HostSides {
  ours: BenchHost;
  watch: ReturnType<typeof watchRuns>;
  base: BaselineHookServer;
  bare: ReturnType<typeof bareDispatch>;
  load: LoadWorker;
  close(): Promise<void>;
}

async function startHostSides(): Promise<HostSides> {
  const dir = tempDir('switchboard-bench-bare-');
  const ours = await startBenchHost();
  const watch = watchRuns(ours.host);
  const bare = bareDispatch(dir);
  const base = await startBaselineHookServer(dir, SECRET, bare.after);
  const load = startLoadWorker();
  return {
    ours,
    watch,
    base,
    bare,
    load,
    close: async () => {
      watch.stop();
      await load.close();
      await base.close();
      bare.close();
      await ours.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** p99 ms from the 202 to the run's first node, at a paced 200 events/s, through the real host; baseline: a durable claim then the first step. */
export async function triggerEventToRunStart(): Promise<BenchResult> {
  const sides = await startHostSides();
  try {
    const p99 = async (url: string, started: Map<string, number>) => {
      const report = await sides.load.run(plan(url, { concurrency: CONCURRENCY, total: PACED_RATE * 2, maxMs: 4_000, ratePerSecond: PACED_RATE }));
      const ok = accepted(report);
      if (!(await until(() => ok.every((s) => started.has(s.eventId!)), 15_000))) progress('some runs never started within 15 s');
      const delays = ok.flatMap((s) => (started.has(s.eventId!) ? [started.get(s.eventId!)! - s.answeredAt] : []));
      return quantile(delays, 0.99);
    };
    const [a, b] = await alternate('event→run start p99', () => p99(sides.ours.url, sides.watch.firstNode), () => p99(sides.base.url, sides.bare.started), 'ms');
    return benchResult('trigger-event-to-run-start', median(a), median(b));
  } finally {
    await sides.close();
  }
}

/** Runs/s from the first request to the last run finished: 50 clients flooding webhooks into the 3-node playbook, journal on. Ratio: baseline/ours. */
export async function triggerEndToEnd(): Promise<BenchResult> {
  const sides = await startHostSides();
  const total = 2_000;
  try {
    const rate = async (url: string, finished: Map<string, number>) => {
      const report = await sides.load.run(plan(url, { concurrency: CONCURRENCY, total, maxMs: 10_000 }));
      const ok = accepted(report);
      if (!(await until(() => ok.every((s) => finished.has(s.eventId!)), 30_000))) progress('some runs never finished within 30 s');
      const first = Math.min(...ok.map((s) => s.sentAt));
      const last = Math.max(...ok.map((s) => finished.get(s.eventId!) ?? NaN));
      return (ok.length / (last - first)) * 1000;
    };
    const [a, b] = await alternate('end-to-end', () => rate(sides.ours.url, sides.watch.finished), () => rate(sides.base.url, sides.bare.finished), 'runs/s');
    const result = benchResult('trigger-end-to-end', median(a), median(b));
    return { ...result, ratio: result.baseline / result.ours };
  } finally {
    await sides.close();
  }
}
