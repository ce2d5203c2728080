import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeJournal, encodeEvents } from '../../../engine/journal/journal-format.ts';
import type { RunState } from '../../../engine/run/types.ts';
import { sendJson, startTestServer, type TestServer } from '../../support/http-server.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { cli, writeChain } from './harness.ts';

const dir = useTempDir('switchboard-resume-');
let vendor: TestServer;

beforeEach(async () => {
  vendor = await startTestServer((_request, res) => sendJson(res, 200, { contained: true }));
  // The vendor is a loopback server: the workspace's egress settings allow it, as they would a tool on the LAN.
  fs.mkdirSync(path.join(dir(), '.switchboard'), { recursive: true });
  fs.writeFileSync(path.join(dir(), '.switchboard', 'settings.json'), JSON.stringify({ egress: { allow: [new URL(vendor.url).host] } }));
});

afterEach(async () => {
  await vendor.close();
});

function runIdIn(text: string): string {
  const match = /run (\d{8}-\d{6}-[0-9a-f]{6})/.exec(text);
  if (match?.[1] === undefined) throw new Error(`no run id in ${text}`);
  return match[1];
}

/**
 * Runs trigger → contain (a POST, not idempotent) → after, then cuts the journal just after
 * contain's `node.started`: the process "died" once the vendor had the request, before its answer
 * was recorded. Returns the run id; the vendor has received one request.
 */
async function runKilledAfterSend(): Promise<string> {
  const file = writeChain(dir(), 'contain.playbook.json', 'contain-host', [
    { id: 'start', type: 'trigger.manual@1', params: { sample: { host: 'ws-17' } } },
    { id: 'contain', type: 'core.http@1', params: { method: 'POST', url: `${vendor.url}/contain`, body: { host: '{{ trigger.host }}' } } },
    { id: 'after', type: 'core.set@1', params: { values: { saw: '{{ nodes.contain.output.body }}' } } },
  ]);
  const first = await cli(['run', file], { cwd: dir() });
  expect(first.code).toBe(0);
  const runId = runIdIn(first.stdout);
  const journal = path.join(dir(), '.switchboard', 'runs', `${runId}.jsonl`);
  const events = decodeJournal(fs.readFileSync(journal, 'utf8')).events;
  const sent = events.findIndex((e) => e.type === 'node.started' && e.nodeId === 'contain');
  expect(sent).toBeGreaterThan(0);
  fs.writeFileSync(journal, encodeEvents(events.slice(0, sent + 1)));
  expect(vendor.requests).toHaveLength(1);
  return runId;
}

describe('switchboard resume of a write whose outcome is unknown', () => {
  it('fails the write by default (UNKNOWN_OUTCOME, exit 1) without sending it again', async () => {
    const runId = await runKilledAfterSend();
    const result = await cli(['resume', runId], { cwd: dir() });
    expect(result.code).toBe(1);
    expect(vendor.requests).toHaveLength(1);
    expect(result.stdout).toContain('↻ contain outcome unknown: failed, not sent again (--unknown=fail)\n');
    expect(result.stdout).toMatch(/^✗ contain failed: UNKNOWN_OUTCOME .*--unknown=fail/m);
    expect(result.stdout).toMatch(/^run \S+ failed in .* at contain: UNKNOWN_OUTCOME /m);
  });

  it('sends it again once with the original run\'s idempotency key with --unknown=resend', async () => {
    const runId = await runKilledAfterSend();
    const result = await cli(['resume', runId, '--unknown=resend', '--json'], { cwd: dir() });
    expect(result.code).toBe(0);
    expect(vendor.requests.map((r) => r.headers['idempotency-key'])).toEqual([`${runId}:contain`, `${runId}:contain`]);
    const state = JSON.parse(result.stdout) as RunState;
    expect(state).toMatchObject({ status: 'succeeded', keyRoot: runId, fromRunId: runId, nodes: { after: { output: { saw: { contained: true } } } } });
    expect(result.stderr).toBe('');
    const journal = decodeJournal(fs.readFileSync(path.join(dir(), '.switchboard', 'runs', `${state.runId}.jsonl`), 'utf8')).events;
    expect(journal.filter((e) => e.type === 'run.resumed')).toEqual([expect.objectContaining({ nodeId: 'contain', action: 'resend', by: 'policy' })]);
  });

  it('asks with --unknown=ask: [i]nspect shows the input, [d]one takes a line of JSON and sends nothing', async () => {
    const runId = await runKilledAfterSend();
    const result = await cli(['resume', runId, '--unknown=ask'], { cwd: dir(), stdin: 'i\nd\n{"status":200,"body":{"contained":"by hand"}}\n' });
    expect(result.code).toBe(0);
    expect(vendor.requests).toHaveLength(1);
    expect(result.stdout).toContain(
      `outcome unknown for contain (sent by the earlier run, key ${runId}:contain) — [r]esend with the same key, [d]one (then a line of JSON output, empty for null), [f]ail, [i]nspect, [q]uit: `,
    );
    expect(result.stdout).toContain('"host": "ws-17"');
    expect(result.stdout).toContain('↻ contain outcome unknown: marked done, not sent again (by analyst)\n');
    expect(result.stdout).toMatch(/^✓ contain {2}succeeded .* {2}\(marked\)$/m);
    const resumed = decodeJournal(fs.readFileSync(path.join(dir(), '.switchboard', 'runs', `${runIdIn(result.stdout)}.jsonl`), 'utf8')).events;
    expect(resumed.find((e) => e.type === 'node.succeeded' && e.nodeId === 'after')).toMatchObject({ output: { saw: { contained: 'by hand' } } });
  });

  it('asks again after JSON that does not parse, resends on [r], and fails when input ends', async () => {
    const runId = await runKilledAfterSend();
    const retyped = await cli(['resume', runId, '--unknown=ask'], { cwd: dir(), stdin: 'd\n{oops\nr\n' });
    expect(retyped.stdout).toContain('not JSON: ');
    expect(retyped.code).toBe(0);
    expect(vendor.requests.map((r) => r.headers['idempotency-key'])).toEqual([`${runId}:contain`, `${runId}:contain`]);
    expect(retyped.stdout).toContain('↻ contain outcome unknown: sent again with the same idempotency key (by analyst)\n');

    const ended = await cli(['resume', runId, '--unknown=ask'], { cwd: dir() });
    expect(ended.code).toBe(1);
    expect(ended.stdout).toContain('(no more input: failing it, not sent again)');
    expect(vendor.requests).toHaveLength(2);
  });

  it('explains --unknown in help resume and help run', async () => {
    const resume = await cli(['help', 'resume'], { cwd: dir() });
    expect(resume.stdout).toMatch(/--unknown POLICY .*\n.*\n +fail +fail the node, UNKNOWN_OUTCOME \(the default/);
    expect(resume.stdout).toContain('resend  send it again with the same idempotency key');
    expect((await cli(['help', 'run'], { cwd: dir() })).stdout).toContain('--unknown POLICY');
  });

  it('refuses an --unknown value it does not know, naming the option (exit 2)', async () => {
    const runId = await runKilledAfterSend();
    const result = await cli(['resume', runId, '--unknown=maybe'], { cwd: dir() });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe('switchboard: --unknown: "maybe" is not one of resend, fail, ask\n');
    expect(vendor.requests).toHaveLength(1);
  });
});
