import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJournal } from '../../../engine/journal/journal-format.ts';
import type { RunSummary } from '../../../engine/journal/recovery.ts';
import type { RunEvent } from '../../../engine/run/events.ts';
import { waitFor } from '../../support/wait-for.ts';

const BIN = fileURLToPath(new URL('../../../bin/switchboard.js', import.meta.url));
const DELAYS = ['wait_1', 'wait_2', 'wait_3', 'wait_4', 'wait_5', 'wait_6'];

let dir: string;
let workspace: string;
let playbookFile: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-kill-'));
  workspace = path.join(dir, 'ws');
  playbookFile = path.join(dir, 'slow.playbook.json');
  const ids = ['start', ...DELAYS, 'done'];
  fs.writeFileSync(
    playbookFile,
    JSON.stringify({
      format: 'switchboard/playbook@1',
      id: 'slow',
      name: 'Slow',
      nodes: [
        { id: 'start', type: 'trigger.manual@1', name: 'Start', params: { sample: { alert: 'A-1' } } },
        ...DELAYS.map((id) => ({ id, type: 'core.delay@1', name: id, params: { ms: 300 } })),
        { id: 'done', type: 'core.set@1', name: 'Done', params: { values: { alert: '{{ trigger.alert }}' } } },
      ],
      edges: ids.slice(1).map((to, i) => ({ id: `e${i + 1}`, from: ids[i], port: 'out', to })),
    }),
  );
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function switchboard(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function readJournal(runId: string): RunEvent[] {
  return decodeJournal(fs.readFileSync(path.join(workspace, 'runs', `${runId}.jsonl`), 'utf8')).events;
}

function succeeded(events: readonly RunEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'node.succeeded' ? [e.nodeId] : []));
}

describe('a run whose process is killed', () => {
  it('is reported interrupted at its last completed node, and resume finishes it without rerunning', async () => {
    const child = spawn(process.execPath, [BIN, 'run', playbookFile, '--workspace', workspace], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));

    const runId = await waitFor(() => {
      const names = fs.existsSync(path.join(workspace, 'runs')) ? fs.readdirSync(path.join(workspace, 'runs')) : [];
      const name = names.find((n) => n.endsWith('.jsonl'));
      if (name === undefined) return undefined;
      const id = name.slice(0, -'.jsonl'.length);
      return succeeded(readJournal(id)).length >= 3 ? id : undefined;
    }, { timeoutMs: 15_000 });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const before = readJournal(runId);
    const done = succeeded(before);
    expect(before.some((e) => e.type === 'run.finished')).toBe(false);
    expect(done.length).toBeLessThan(DELAYS.length + 2);

    const listed = switchboard('runs', '--json', '--workspace', workspace);
    expect(listed.code).toBe(0);
    const [summary] = JSON.parse(listed.stdout) as RunSummary[];
    expect(summary).toMatchObject({ runId, playbookId: 'slow', status: 'interrupted', lastCompletedNodeId: done.at(-1) });

    const table = switchboard('runs', '--workspace', workspace);
    expect(table.stdout).toMatch(new RegExp(`^${runId} +slow +interrupted .* after ${done.at(-1)}$`, 'm'));

    const resumed = switchboard('resume', runId, '--workspace', workspace);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^run \S+ succeeded/m);

    const newRunId = /^▶ run (\S+)/m.exec(resumed.stdout)?.[1];
    expect(newRunId).toBeDefined();
    const after = readJournal(newRunId!);
    expect(after[0]).toMatchObject({ type: 'run.started', fromRunId: runId, trigger: { alert: 'A-1' } });
    // A node ran again when it started, or (an instant node, which has no start event) finished on its own.
    const ranAgain = (e: RunEvent) => e.type === 'node.started' || ((e.type === 'node.succeeded' || e.type === 'node.failed') && !('source' in e && e.source));
    const startedAgain = new Set(after.flatMap((e) => (ranAgain(e) && 'nodeId' in e ? [e.nodeId] : [])));
    for (const nodeId of done) {
      expect(startedAgain.has(nodeId), `${nodeId} ran again`).toBe(false);
      expect(after.find((e) => e.type === 'node.succeeded' && e.nodeId === nodeId)).toMatchObject({ source: 'reused' });
    }
    const remaining = ['start', ...DELAYS, 'done'].filter((id) => !done.includes(id));
    expect([...startedAgain].sort()).toEqual(remaining.sort());
    expect(after.at(-1)).toMatchObject({ type: 'run.finished', status: 'succeeded', output: { alert: 'A-1' } });

    const history = JSON.parse(switchboard('runs', '--json', '--workspace', workspace).stdout) as RunSummary[];
    expect(history.map((r) => [r.runId, r.status])).toEqual([
      [newRunId, 'succeeded'],
      [runId, 'interrupted'],
    ]);
  }, 60_000);
});
