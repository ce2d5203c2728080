import crypto from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort, Worker } from 'node:worker_threads';

/**
 * The load generator of the trigger benchmarks: keep-alive clients that sign each request as a
 * Standard Webhooks sender does. It runs in a worker thread, so signing and parsing answers are
 * not charged to the server under test, and the same driver loads ours and the baseline alike.
 */

/** What one load run sends. */
export interface LoadPlan {
  /** `http://127.0.0.1:<port>/hooks/<path>` (or the baseline's URL). */
  url: string;
  /** `whsec_<base64>`. */
  secret: string;
  /** Prefix of every webhook-id, so runs never collide on a delivery id. */
  idPrefix: string;
  concurrency: number;
  /** Requests to send at most. */
  total: number;
  /** Stop sending after this long, even if `total` is not reached. */
  maxMs: number;
  /** Requests per second, open loop; absent: each client sends as soon as its last answer came. */
  ratePerSecond?: number;
}

/** One answered request: when it was sent and answered (epoch ms, sub-ms precision), and the event id. */
export interface LoadSample {
  sentAt: number;
  answeredAt: number;
  status: number;
  eventId?: string;
}

/** What a load run measured. */
export interface LoadReport {
  elapsedMs: number;
  samples: LoadSample[];
  /** Requests that failed below HTTP (reset, refused). */
  errors: number;
}

/** Wall-clock epoch milliseconds with sub-millisecond precision, comparable across threads. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** The `webhook-signature` value of a Standard Webhooks request: `v1,<base64 HMAC-SHA256 of id.timestamp.body>`. */
function standardSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** A SIEM alert of about 350 bytes, different for every request. */
function alertBody(n: number): string {
  return JSON.stringify({
    alert_id: `A-${n}`,
    rule_name: 'Access - Suspicious Login From Anonymizing Network - Rule',
    severity: 'high',
    src: `185.220.${(n >> 8) & 255}.${n & 255}`,
    user: `user${n}@corp.example`,
    dest: `WS-${n}`,
    signature: 'An account was successfully logged on',
    _time: '2026-11-27T08:14:05.000+00:00',
    count: 4,
  });
}

function send(agent: http.Agent, target: URL, plan: LoadPlan, n: number): Promise<LoadSample | undefined> {
  const body = alertBody(n);
  const id = `${plan.idPrefix}-${n}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': standardSignature(plan.secret, id, timestamp, body),
  };
  const sentAt = preciseNow();
  return new Promise((resolve) => {
    const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const answeredAt = preciseNow();
        let eventId: string | undefined;
        try {
          eventId = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { eventId?: string }).eventId;
        } catch {
          eventId = undefined;
        }
        resolve({ sentAt, answeredAt, status: res.statusCode ?? 0, ...(eventId === undefined ? {} : { eventId }) });
      });
      res.on('error', () => resolve(undefined));
    });
    req.on('error', () => resolve(undefined));
    req.end(body);
  });
}

/** Runs one plan to its end (count or time) and reports every answer. */
async function runLoad(plan: LoadPlan): Promise<LoadReport> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.concurrency });
  const target = new URL(plan.url);
  const samples: LoadSample[] = [];
  let errors = 0;
  let next = 0;
  const started = preciseNow();
  const deadline = started + plan.maxMs;
  const record = (sample: LoadSample | undefined) => {
    if (sample === undefined) errors++;
    else samples.push(sample);
  };
  if (plan.ratePerSecond === undefined) {
    const client = async () => {
      while (next < plan.total && preciseNow() < deadline) record(await send(agent, target, plan, next++));
    };
    await Promise.all(Array.from({ length: plan.concurrency }, client));
  } else {
    const gap = 1000 / plan.ratePerSecond;
    const inFlight: Array<Promise<void>> = [];
    while (next < plan.total && preciseNow() < deadline) {
      const due = started + next * gap;
      const wait = due - preciseNow();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(send(agent, target, plan, next++).then(record));
    }
    await Promise.all(inFlight);
  }
  const elapsedMs = preciseNow() - started;
  agent.destroy();
  return { elapsedMs, samples, errors };
}

/** A load generator in its own thread: `run` sends one plan and resolves with its report. */
export interface LoadWorker {
  run(plan: LoadPlan): Promise<LoadReport>;
  close(): Promise<void>;
}

/** Starts this module in a worker thread; a worker does not inherit `--import tsx`, so it registers tsx itself first. */
export function startLoadWorker(): LoadWorker {
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const worker = new Worker(boot, { eval: true });
  return {
    run: (plan) =>
      new Promise((resolve, reject) => {
        const onMessage = (report: LoadReport) => {
          worker.off('error', reject);
          resolve(report);
        };
        worker.once('message', onMessage);
        worker.once('error', reject);
        worker.postMessage(plan);
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}

if (parentPort !== null) {
  const port = parentPort;
  port.on('message', (plan: LoadPlan) => {
    void runLoad(plan).then((report) => port.postMessage(report));
  });
}
