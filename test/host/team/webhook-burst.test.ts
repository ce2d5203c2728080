import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../host/server/server.ts';
import { openDatabase, type Database } from '../../../host/team/db/database.ts';
import { startWorker, type Worker } from '../../../host/team/worker.ts';
import type { InboxEvent } from '../../../host/triggers/contract.ts';
import { environmentKeyProvider } from '../../../host/vault/key-provider.ts';
import { LAB_WEBHOOK_SECRET } from '../../../host/workspace/seed.ts';
import { chainPlaybook } from '../../support/chain-playbook.ts';
import { describeWithPostgres, useTestDatabase } from '../../support/postgres.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { waitFor } from '../../support/wait-for.ts';

/** A webhook signed with Standard Webhooks (the seeded lab secret), then one set node. */
const BURST = chainPlaybook(
  'burst',
  [
    { id: 'alert', type: 'trigger.webhook@1', params: { path: 'burst', verification: { type: 'standard-webhooks' }, rateLimitPerMinute: 100_000 }, credential: 'siem' },
    { id: 'note', type: 'core.set@1', params: { values: { n: '{{ trigger.body.n }}' } } },
  ],
  { credentials: { siem: { connector: 'webhook' } } },
);

/** The Standard Webhooks headers of `body` signed with a `whsec_` secret. */
function signed(secret: string, id: string, body: string): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = crypto.createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${id}.${ts}.${body}`).digest('base64');
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${signature}` };
}

/** Issue 13: a burst of 2,000 signed webhooks to a team server; every accepted event runs once, on the workers. */
describeWithPostgres('a webhook burst to a team server', () => {
  const url = useTestDatabase();
  const dir = useTempDir('sb-team-burst-');
  let server: RunningServer;
  let db: Database;
  const workers: Worker[] = [];
  const keyProvider = environmentKeyProvider({ SWITCHBOARD_VAULT_KEY: crypto.randomBytes(32).toString('base64') });
  beforeEach(async () => {
    const shipped = path.join(dir(), 'shipped');
    fs.mkdirSync(shipped);
    fs.writeFileSync(path.join(shipped, 'burst.playbook.json'), JSON.stringify(BURST));
    server = await startServer({
      port: 0,
      workspace: path.join(dir(), 'server'),
      lab: false,
      database: url(),
      hooks: { host: '127.0.0.1', port: 0, explicitPort: true },
      host: { keyProvider, shippedDir: shipped },
      log: () => undefined,
    });
    await server.host.context.triggers.enable('burst');
    db = await openDatabase(url());
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close({ graceMs: 0 })));
    await server.close();
    await db.close();
  });

  it('accepts 2,000 signed events and the workers run each accepted one exactly once', async () => {
    for (let i = 0; i < 2; i++) workers.push(await startWorker({ database: url(), concurrency: 8, keyProvider }));
    const statuses: number[] = [];
    let next = 0;
    const send = async (): Promise<void> => {
      for (let n = next++; n < 2_000; n = next++) {
        const body = JSON.stringify({ n });
        const response = await fetch(`${server.hooksUrl}burst`, { method: 'POST', headers: signed(LAB_WEBHOOK_SECRET, `msg_burst_${n}`, body), body });
        await response.arrayBuffer();
        statuses.push(response.status);
      }
    };
    await Promise.all(Array.from({ length: 32 }, send));
    const accepted = statuses.filter((s) => s === 202).length;
    expect(accepted).toBe(2_000);

    const events = await waitFor(
      async () => {
        const all = await db.query<{ status: string; run_id: string | null }>("SELECT status, run_id FROM sb_inbox_events WHERE playbook_id = 'burst'");
        return all.length === 2_000 && all.every((e) => e.status === 'done') ? all : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 250 },
    );
    expect(new Set(events.map((e) => e.run_id)).size).toBe(2_000);
    const runs = await db.query<{ n: string }>("SELECT count(*) AS n FROM sb_runs WHERE run_id NOT LIKE '%-r%'");
    expect(Number(runs[0]!.n)).toBe(2_000);
    expect(workers[0]!.stats().succeeded + workers[1]!.stats().succeeded).toBe(2_000);
    const listed = (await server.host.context.triggers.events({ playbookId: 'burst', limit: 5 })) as InboxEvent[];
    expect(listed.every((e) => e.source === 'webhook')).toBe(true);
  }, 240_000);
});
