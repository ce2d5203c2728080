import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeJournal } from '../../../engine/journal/journal-format.ts';
import type { RunState } from '../../../engine/run/types.ts';
import { sendJson, startTestServer } from '../../support/http-server.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { REPO_ROOT } from '../../playbooks/lab-fixture.ts';
import { EDR_CHECK } from '../protocol/harness.ts';
import { cli, hasStackTrace, writeChain, writeTiny } from './harness.ts';

const dir = useTempDir('switchboard-cli-');

function journalOf(runId: string) {
  return decodeJournal(fs.readFileSync(path.join(dir(), '.switchboard', 'runs', `${runId}.jsonl`), 'utf8')).events;
}

function runIdIn(text: string): string {
  const match = /run (\d{8}-\d{6}-[0-9a-f]{6})/.exec(text);
  if (match?.[1] === undefined) throw new Error(`no run id in ${text}`);
  return match[1];
}

describe('switchboard run', () => {
  it('runs a tiny playbook with a line per node and a summary, exit 0', async () => {
    const result = await cli(['run', writeTiny(dir())], { cwd: dir() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^▶ run \S+ {2}Tiny {2}3 nodes$/);
    expect(lines.slice(1, 4).map((l) => l.replace(/\d+ ms/, 'N ms'))).toEqual([
      '✓ start  succeeded  N ms',
      '✓ first  succeeded  N ms',
      '✓ second  succeeded  N ms',
    ]);
    expect(lines[4]).toMatch(/^run \S+ succeeded in \d+ ms$/);
    const events = journalOf(runIdIn(result.stdout));
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'succeeded', output: { seen: '10.0.0.1' } });
  });

  it('prints the final run state as JSON with --json', async () => {
    const result = await cli(['run', writeTiny(dir()), '--json'], { cwd: dir() });
    expect(result.code).toBe(0);
    const state = JSON.parse(result.stdout) as RunState;
    expect(state).toMatchObject({ playbookId: 'tiny', status: 'succeeded', output: { seen: '10.0.0.1' } });
    expect(state.nodes.second?.output).toEqual({ seen: '10.0.0.1' });
  });

  it('takes the trigger event from --event', async () => {
    fs.writeFileSync(path.join(dir(), 'event.json'), JSON.stringify({ ip: '203.0.113.7' }));
    const result = await cli(['run', writeTiny(dir()), '--event', 'event.json', '--json'], { cwd: dir() });
    expect((JSON.parse(result.stdout) as RunState).output).toEqual({ seen: '203.0.113.7' });
  });

  it('refuses an invalid playbook with its problems, exit 2', async () => {
    const file = writeChain(dir(), 'bad.playbook.json', 'bad', [
      { id: 'start', type: 'trigger.manual@1' },
      { id: 'x', type: 'core.set@1', params: { values: { a: '{{ nodes.nowhere.output }}' } } },
      { id: 'y', type: 'vendor.missing@1' },
    ]);
    const result = await cli(['run', file], { cwd: dir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('vendor.missing@1');
    expect(result.stdout).toBe('');
    expect(fs.existsSync(path.join(dir(), '.switchboard'))).toBe(false);
  });

  it('refuses missing files, bad events, bad credentials and unknown breakpoints without a stack trace', async () => {
    const file = writeTiny(dir());
    fs.writeFileSync(path.join(dir(), 'bad.json'), '{ nope');
    for (const argv of [
      ['run', 'missing.playbook.json'],
      ['run', file, '--event', 'bad.json'],
      ['run', file, '--event', 'missing.json'],
      ['run', file, '--credentials', 'bad.json'],
      ['run', file, '--breakpoint', 'nowhere'],
      ['run', file, 'second-file.json'],
    ]) {
      const result = await cli(argv, { cwd: dir() });
      expect(result.code, argv.join(' ')).toBe(2);
      expect(hasStackTrace(result.stdout + result.stderr)).toBe(false);
    }
  });

  it('exits 1 naming the node when the run fails', async () => {
    const file = writeChain(dir(), 'fail.playbook.json', 'failing', [
      { id: 'start', type: 'trigger.manual@1' },
      { id: 'boom', type: 'core.fail@1', params: { message: 'no owner for {{ trigger.host }}' } },
    ]);
    fs.writeFileSync(path.join(dir(), 'event.json'), JSON.stringify({ host: 'web-01' }));
    const result = await cli(['run', file, '--event', 'event.json'], { cwd: dir() });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ boom failed: FAILED no owner for web-01');
    expect(result.stdout).toMatch(/^run \S+ failed in \d+ ms at boom: FAILED no owner for web-01$/m);
  });

  it('names the nodes a failed run never ran', async () => {
    const file = writeChain(dir(), 'fail.playbook.json', 'failing', [
      { id: 'start', type: 'trigger.manual@1' },
      { id: 'boom', type: 'core.set@1', params: { values: { owner: "{{ $error('no owner') }}" } } },
      { id: 'ticket', type: 'core.set@1', params: { values: {} } },
      { id: 'notify', type: 'core.set@1', params: { values: {} } },
    ]);
    const result = await cli(['run', file], { cwd: dir() });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^run \S+ failed in \d+ ms at boom: EXPRESSION .*no owner.*\n○ not run \(2\): ticket, notify\n$/m);
    const state = JSON.parse((await cli(['run', file, '--json'], { cwd: dir() })).stdout) as RunState;
    expect(state.nodes.ticket?.status).toBe('not-run');
  });

  it('steps through a run with answers piped on stdin: next, inspect, continue', async () => {
    const result = await cli(['run', writeTiny(dir()), '--step'], { cwd: dir(), stdin: 'n\ni\nc\n' });
    expect(result.code).toBe(0);
    const prompt = (node: string) => `paused before ${node} (core.set@1) — [n]ext [c]ontinue [s]kip [i]nspect [q]uit: `;
    expect(result.stdout).toContain(`${prompt('first')}n\n`);
    expect(result.stdout).toContain(`${prompt('second')}i\n{\n  "values": {\n    "seen": "10.0.0.1"\n  }\n}\n${prompt('second')}c\n`);
    expect(result.stdout).toContain('✓ second  succeeded');
  });

  it('skips a node from the prompt and quits the run with q (exit 1)', async () => {
    const result = await cli(['run', writeTiny(dir()), '--step'], { cwd: dir(), stdin: 's\nq\n' });
    expect(result.stdout).toContain('↷ first skipped (by user)');
    expect(result.stdout).toMatch(/^run \S+ cancelled.*\n○ not run \(1\): second$/m);
    expect(result.code).toBe(1);
  });

  it('pauses at a breakpoint only, and continues when stdin ends', async () => {
    const result = await cli(['run', writeTiny(dir()), '--breakpoint', 'second'], { cwd: dir(), stdin: '' });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('paused before first');
    expect(result.stdout).toContain('paused before second');
    expect(result.stdout).toContain('(no more input: continuing)');
  });

  it('stops the run when the signal aborts (Ctrl-C) and exits 1 after the journal closes', async () => {
    const file = writeChain(dir(), 'slow.playbook.json', 'slow', [
      { id: 'start', type: 'trigger.manual@1' },
      { id: 'wait', type: 'core.delay@1', params: { ms: 10_000 } },
    ]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    let stdout = '';
    const { main } = await import('../../../host/cli/main.ts');
    const { Readable } = await import('node:stream');
    const started = Date.now();
    const code = await main(['run', file], {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: () => true },
      stdin: Readable.from([]),
      isTTY: false,
      cwd: dir(),
      env: {},
      signal: controller.signal,
    });
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(stdout).toMatch(/^run \S+ cancelled/m);
    expect(journalOf(runIdIn(stdout)).at(-1)).toMatchObject({ type: 'run.finished', status: 'cancelled' });
  });

  it('keeps the secrets of a credentials file out of the journal', async () => {
    const file = writeChain(dir(), 'creds.playbook.json', 'creds', [
      { id: 'start', type: 'trigger.manual@1' },
      { id: 'echo', type: 'core.set@1', params: { values: { seen: '{{ trigger.note }}' } } },
    ], { credentials: { api: { connector: 'http' } } });
    fs.writeFileSync(path.join(dir(), 'creds.json'), JSON.stringify({ api: { token: 'sk-test-abcdef123' } }));
    fs.writeFileSync(path.join(dir(), 'event.json'), JSON.stringify({ note: 'leaked sk-test-abcdef123 here' }));
    const result = await cli(['run', file, '--credentials', 'creds.json', '--event', 'event.json'], { cwd: dir() });
    expect(result.code).toBe(0);
    const text = fs.readFileSync(path.join(dir(), '.switchboard', 'runs', `${runIdIn(result.stdout)}.jsonl`), 'utf8');
    expect(text).not.toContain('sk-test-abcdef123');
    expect(text).toContain('leaked [REDACTED] here');
  });
});

describe('switchboard run and the lab', () => {
  /** EDR_CHECK in the temp dir. */
  function writeEdrCheck(): string {
    fs.writeFileSync(path.join(dir(), 'edr.playbook.json'), JSON.stringify(EDR_CHECK, null, 2));
    return 'edr.playbook.json';
  }

  it('refuses a run whose nodes use an unbound slot outside lab mode, naming the slot and the nodes (exit 2, no run)', async () => {
    const result = await cli(['run', writeEdrCheck()], { cwd: dir() });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'edr.playbook.json error CREDENTIAL_UNBOUND credential slot "edr" (crowdstrike) is not bound; used by nodes find_host, host_details — bind it or run in lab mode\n',
    );
    expect(result.stderr).toContain('--credentials FILE, or run on the lab with --lab');
    expect(fs.existsSync(path.join(dir(), '.switchboard', 'runs'))).toBe(false);
  });

  it('runs on the lab with --lab, marking the header, each node that called a twin and the summary [LAB]', async () => {
    const result = await cli(['run', writeEdrCheck(), '--lab'], { cwd: dir() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^▶ run \S+ {2}edr-check {2}3 nodes {2}\[LAB\]$/);
    expect(lines.find((line) => line.startsWith('✓ host_details'))).toMatch(/ {2}\[LAB\]$/);
    expect(lines.find((line) => line.startsWith('✓ start'))).not.toContain('[LAB]');
    expect(lines.at(-1)).toMatch(/^run \S+ succeeded in [\d.]+ m?s \[LAB\]$/);
    expect(journalOf(runIdIn(result.stdout))[0]).toMatchObject({ type: 'run.started', lab: true });
  });

  it('records lab mode in --json: lab: true on the run and on each node that called a twin', async () => {
    const result = await cli(['run', writeEdrCheck(), '--lab', '--json'], { cwd: dir() });
    expect(result.code).toBe(0);
    const state = JSON.parse(result.stdout) as RunState;
    expect(state).toMatchObject({ status: 'succeeded', lab: true, nodes: { find_host: { lab: true }, host_details: { lab: true } } });
    expect(state.nodes.start?.lab).toBeUndefined();
  });

  it('resumes on the lab only with --lab: without it the unbound slot refuses the resume', async () => {
    const stopped = await cli(['run', writeEdrCheck(), '--lab', '--step'], { cwd: dir(), stdin: 'q\n' });
    expect(stopped.code).toBe(1);
    const runId = runIdIn(stopped.stdout);
    const refused = await cli(['resume', runId], { cwd: dir() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('credential slot "edr" (crowdstrike) is not bound; used by nodes find_host, host_details — bind it or run in lab mode');
    const resumed = await cli(['resume', runId, '--lab'], { cwd: dir() });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^▶ run \S+ {2}edr-check {2}3 nodes {2}\[LAB\] {2}\(resuming /m);
  });
});

describe('switchboard run and the egress policy', () => {
  const SHIPPED = ['suspicious-login', 'phishing-response', 'vulnerability-response', 'incident-investigation'];

  it('refuses a loopback URL by default (exit 1, EGRESS_DENIED, nothing sent), and reaches it once the workspace settings allow it', async () => {
    const server = await startTestServer((_req, res) => sendJson(res, 200, { ok: true }));
    try {
      writeChain(dir(), 'probe.playbook.json', 'probe', [
        { id: 'start', type: 'trigger.manual@1' },
        { id: 'get', type: 'core.http_get@1', params: { url: `${server.url}/status` } },
      ]);
      const refused = await cli(['run', 'probe.playbook.json', '--dry-run'], { cwd: dir() });
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(/^✗ get failed: EGRESS_DENIED destination 127\.0\.0\.1:\d+ is a loopback address; denied by the egress policy/m);
      expect(server.requests).toHaveLength(0);

      fs.writeFileSync(path.join(dir(), '.switchboard', 'settings.json'), JSON.stringify({ egress: { allow: [new URL(server.url).host] } }));
      const allowed = await cli(['run', 'probe.playbook.json', '--dry-run'], { cwd: dir() });
      expect(allowed.code).toBe(0);
      expect(server.requests.map((r) => r.url)).toEqual(['/status']);

      fs.writeFileSync(path.join(dir(), '.switchboard', 'settings.json'), JSON.stringify({ egress: { allow: ['http://nope'] } }));
      const bad = await cli(['run', 'probe.playbook.json'], { cwd: dir() });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('settings.json: egress.allow[0]: "http://nope" is not an address, a CIDR range or a host name');
    } finally {
      await server.close();
    }
  });

  it.each(SHIPPED)('still runs the shipped %s playbook on the lab (--lab, a dry run and a real one)', async (id) => {
    const file = path.join(REPO_ROOT, 'playbooks', `${id}.playbook.json`);
    for (const flags of [['--dry-run'], ['--approve']]) {
      const result = await cli(['run', file, '--lab', ...flags], { cwd: dir() });
      expect(result.code, `${id} ${flags.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
      expect(result.stdout).not.toContain('EGRESS_DENIED');
    }
  }, 60_000);
});

describe('switchboard run with sub-playbooks', () => {
  it('finds a sub-playbook by relative path and one by id in the workspace', async () => {
    fs.mkdirSync(path.join(dir(), 'lib'));
    writeChain(path.join(dir(), 'lib'), 'double.playbook.json', 'double', [
      { id: 'start', type: 'trigger.manual@1' },
      { id: 'calc', type: 'core.set@1', params: { values: { twice: '{{ trigger.n * 2 }}' } } },
    ]);
    fs.mkdirSync(path.join(dir(), '.switchboard', 'playbooks'), { recursive: true });
    writeChain(path.join(dir(), '.switchboard', 'playbooks'), 'anything.playbook.json', 'triple', [
      { id: 'start', type: 'trigger.manual@1' },
      { id: 'calc', type: 'core.set@1', params: { values: { thrice: '{{ trigger.n * 3 }}' } } },
    ]);
    const file = writeChain(dir(), 'parent.playbook.json', 'parent', [
      { id: 'start', type: 'trigger.manual@1' },
      { id: 'by_path', type: 'core.playbook@1', params: { playbook: './lib/double.playbook.json', input: { n: 2 } } },
      { id: 'by_id', type: 'core.playbook@1', params: { playbook: 'triple', input: { n: 2 } } },
    ]);
    const result = await cli(['run', file, '--json'], { cwd: dir() });
    expect(result.stderr).toBe('');
    const state = JSON.parse(result.stdout) as RunState;
    expect(state.status).toBe('succeeded');
    expect(state.nodes.by_path?.output).toEqual({ twice: 4 });
    expect(state.nodes.by_id?.output).toEqual({ thrice: 6 });
  });
});

describe('switchboard runs', () => {
  it('lists past runs newest first, as a table and as JSON', async () => {
    const empty = await cli(['runs'], { cwd: dir() });
    expect(empty).toMatchObject({ code: 0, stdout: 'no runs yet\n' });

    const file = writeTiny(dir());
    const first = runIdIn((await cli(['run', file], { cwd: dir() })).stdout);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const failing = writeChain(dir(), 'fail.playbook.json', 'failing', [
      { id: 'start', type: 'trigger.manual@1' },
      { id: 'boom', type: 'core.fail@1', params: { message: 'nope' } },
    ]);
    const second = runIdIn((await cli(['run', failing], { cwd: dir() })).stdout);

    const table = await cli(['runs'], { cwd: dir() });
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^RUN +PLAYBOOK +STATUS +STARTED +DURATION +AT$/);
    expect(lines[1]).toMatch(new RegExp(`^${second} +failing +failed .* boom: FAILED$`));
    expect(lines[2]).toMatch(new RegExp(`^${first} +tiny +succeeded `));

    const json = await cli(['runs', '--json'], { cwd: dir() });
    const runs = JSON.parse(json.stdout) as { runId: string; status: string; trigger: unknown }[];
    expect(runs.map((r) => [r.runId, r.status])).toEqual([
      [second, 'failed'],
      [first, 'succeeded'],
    ]);
    expect(runs.map((r) => r.trigger)).toEqual([{}, { ip: '10.0.0.1' }]);
  });

  it('reads another workspace with --workspace', async () => {
    await cli(['run', writeTiny(dir()), '--workspace', 'elsewhere'], { cwd: dir() });
    expect(JSON.parse((await cli(['runs', '--json', '--workspace', 'elsewhere'], { cwd: dir() })).stdout)).toHaveLength(1);
    expect(JSON.parse((await cli(['runs', '--json'], { cwd: dir() })).stdout)).toHaveLength(0);
  });
});
