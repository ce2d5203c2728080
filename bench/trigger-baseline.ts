import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * The baseline of the trigger benchmarks: what a careful developer would write by hand with
 * `node:http` alone. It verifies the same Standard Webhooks HMAC in constant time, refuses a
 * repeated webhook-id, and appends each event as a JSON line to a file with the durability policy
 * of our inbox (one write and one fdatasync per batch of the event-loop turn) before answering 202.
 * With `afterAccept`, it also runs the work the dispatcher would, so end-to-end figures compare.
 */

/** A durable append-only log with group commit: `append` resolves once its line is fdatasynced. */
export interface GroupLog {
  append(line: string): Promise<void>;
  close(): void;
}

/** Opens `file` for appending; lines appended in one turn share one write and one fdatasync. */
export function openGroupLog(file: string): GroupLog {
  const fd = fs.openSync(file, 'a', 0o600);
  let pending: { lines: string[]; done: Array<() => void> } | undefined;
  let writing = false;
  const flush = (): void => {
    if (writing || pending === undefined) return;
    const batch = pending;
    pending = undefined;
    writing = true;
    fs.write(fd, batch.lines.join(''), null, 'utf8', () => {
      fs.fdatasync(fd, () => {
        writing = false;
        for (const resolve of batch.done) resolve();
        flush();
      });
    });
  };
  return {
    append(line) {
      return new Promise((resolve) => {
        if (pending === undefined) {
          pending = { lines: [], done: [] };
          if (!writing) setImmediate(flush);
        }
        pending.lines.push(line);
        pending.done.push(resolve);
      });
    },
    close: () => fs.closeSync(fd),
  };
}

/** A running baseline server. */
export interface BaselineHookServer {
  url: string;
  close(): Promise<void>;
}

/** What the baseline does after it answered 202: e.g. record a run start and run three steps. */
export type AfterAccept = (eventId: string, event: { id: string; body: unknown }) => void;

function readAll(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts the bare server on 127.0.0.1 and a free port, writing its log in `dir`. */
export async function startBaselineHookServer(dir: string, secret: string, afterAccept?: AfterAccept): Promise<BaselineHookServer> {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const log = openGroupLog(path.join(dir, 'baseline-events.jsonl'));
  const seen = new Set<string>();
  let counter = 0;
  const answer = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  };
  const server = http.createServer((req, res) => {
    void readAll(req).then(async (raw) => {
      const id = String(req.headers['webhook-id'] ?? '');
      const timestamp = String(req.headers['webhook-timestamp'] ?? '');
      const expected = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.`).update(raw).digest();
      const given = Buffer.from(String(req.headers['webhook-signature'] ?? '').replace(/^v1,/, ''), 'base64');
      const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300;
      if (!fresh || given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return answer(res, 401, { error: 'unauthorized' });
      if (seen.has(id)) return answer(res, 202, { eventId: null, status: 'duplicate' });
      seen.add(id);
      const eventId = `evt-${Date.now()}-${(counter++).toString(36)}`;
      const body = JSON.parse(raw.toString('utf8')) as unknown;
      await log.append(`${JSON.stringify({ id: eventId, dedupeKey: id, receivedAt: Date.now(), payload: body })}\n`);
      answer(res, 202, { eventId, status: 'accepted' });
      afterAccept?.(eventId, { id: eventId, body });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/bench`,
    close: async () => {
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
      log.close();
    },
  };
}
