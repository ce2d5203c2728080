import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../engine/run/events.ts';
import { createHost, maxLiveRunsFromEnv, type Host, type HostOptions } from '../../host/host.ts';
import { dispatch } from '../../host/protocol/dispatch.ts';
import type { MethodName, ParamsOf, ResultOf } from '../../host/protocol/contract.ts';
import { tempPathFor } from '../../host/workspace/atomic-file.ts';
import { TINY } from '../support/chain-playbook.ts';
import { useTempDir } from '../support/temp-dir.ts';
import { waitFor } from '../support/wait-for.ts';
import { testKeyProvider, writeShipped } from './protocol/harness.ts';

const dir = useTempDir('switchboard-host-');

/** A host over `<tmp>/<name>`, seeded with tiny; its run events are collected. */
async function openHost(options: Partial<HostOptions> = {}, name = 'ws'): Promise<{ host: Host; events: RunEvent[]; call: <M extends MethodName>(method: M, params: ParamsOf<M>) => Promise<ResultOf<M>> }> {
  const host = await createHost({ workspaceDir: path.join(dir(), name), shippedDir: writeShipped(path.join(dir(), 'shipped'), [TINY]), keyProvider: testKeyProvider(), env: {}, ...options });
  const events: RunEvent[] = [];
  host.subscribe((frame) => frame.event === 'run.event' && events.push(frame.payload as RunEvent));
  let id = 0;
  const call = async <M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> => {
    const answer = await dispatch(JSON.stringify({ id: ++id, method, params }), host.context);
    if ('error' in answer) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
    return (answer as { result: ResultOf<M> }).result;
  };
  return { host, events, call };
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid ?? 0;
}

describe('host start', () => {
  it('removes the temp files killed saves left in the workspace, and nothing else', async () => {
    const ws = path.join(dir(), 'ws');
    const playbooks = path.join(ws, 'playbooks');
    fs.mkdirSync(playbooks, { recursive: true });
    const dead = await deadPid();
    const stale = [
      `.tiny.playbook.json.${dead}.0a1b2c3d.tmp`,
      `.vault.json.${dead}.deadbeef.tmp`,
    ];
    fs.writeFileSync(path.join(playbooks, stale[0] ?? ''), '{"half": ');
    fs.writeFileSync(path.join(ws, stale[1] ?? ''), '{"half": ');
    // A live process's fresh temp (a CLI saving right now), a stale-looking one that is old, and files that are not ours.
    const live = path.basename(tempPathFor(path.join(playbooks, 'other.playbook.json'))).replace(`.${process.pid}.`, `.${process.ppid}.`);
    fs.writeFileSync(path.join(playbooks, live), 'in flight');
    const old = `.settings.json.${process.ppid}.00000000.tmp`;
    fs.writeFileSync(path.join(ws, old), 'old');
    const hour = (Date.now() - 3_600_000) / 1000;
    fs.utimesSync(path.join(ws, old), hour, hour);
    const notOurs = ['.notes.tmp', `notes.${dead}.0a1b2c3d.tmp`, `.x.${dead}.XYZ12345.tmp`, 'draft.tmp'];
    for (const name of notOurs) fs.writeFileSync(path.join(playbooks, name), 'keep');
    const outside = path.join(dir(), `.tiny.playbook.json.${dead}.0a1b2c3d.tmp`);
    fs.writeFileSync(outside, 'outside the workspace');
    const linked = path.join(dir(), 'linked-target');
    fs.writeFileSync(linked, 'target');
    if (process.platform !== 'win32') fs.symlinkSync(linked, path.join(playbooks, `.link.${dead}.0a1b2c3d.tmp`));

    const { host } = await openHost();
    await host.close();

    expect(fs.existsSync(path.join(playbooks, stale[0] ?? ''))).toBe(false);
    expect(fs.existsSync(path.join(ws, stale[1] ?? ''))).toBe(false);
    expect(fs.existsSync(path.join(ws, old))).toBe(false);
    expect(fs.readFileSync(path.join(playbooks, live), 'utf8')).toBe('in flight');
    for (const name of notOurs) expect(fs.readFileSync(path.join(playbooks, name), 'utf8')).toBe('keep');
    expect(fs.existsSync(outside)).toBe(true);
    expect(fs.readFileSync(linked, 'utf8')).toBe('target');
    if (process.platform !== 'win32') expect(fs.lstatSync(path.join(playbooks, `.link.${dead}.0a1b2c3d.tmp`)).isSymbolicLink()).toBe(true);
  });
});

describe('the cap on live runs', () => {
  const stepRun = { playbookId: 'tiny', mode: 'step' as const };

  it('refuses a start past the cap with one clear line, and takes runs again once one ends', async () => {
    const { host, events, call } = await openHost({ maxLiveRuns: 2 });
    try {
      const first = await call('runs.start', stepRun);
      await call('runs.start', stepRun);
      await expect(call('runs.start', stepRun)).rejects.toMatchObject({ code: 'CONFLICT', message: 'too many live runs (2): stop or finish one first' });
      await expect(call('runs.start', { playbookId: 'tiny' })).rejects.toMatchObject({ code: 'CONFLICT' });

      await call('runs.control', { runId: first.runId, action: 'stop' });
      await waitFor(() => events.some((e) => e.runId === first.runId && e.type === 'run.finished') || undefined);
      await waitFor(() => (host.context.runs.liveRunIds().length < 2 ? true : undefined));
      const third = await call('runs.start', { playbookId: 'tiny' });
      await waitFor(() => events.some((e) => e.runId === third.runId && e.type === 'run.finished') || undefined);
      const { runs } = await call('runs.list', {});
      expect(runs).toHaveLength(3);
    } finally {
      await host.close();
    }
  });

  it('counts starts still under way, so a burst cannot slip past it', async () => {
    const { host, call } = await openHost({ maxLiveRuns: 3 });
    try {
      const burst = await Promise.allSettled(Array.from({ length: 8 }, () => call('runs.start', stepRun)));
      expect(burst.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      expect(host.context.runs.liveRunIds()).toHaveLength(3);
    } finally {
      await host.close();
    }
  });

  it('is 64 by default, and $SWITCHBOARD_MAX_LIVE_RUNS changes it', async () => {
    const { host, call } = await openHost();
    try {
      for (let i = 0; i < 64; i++) await call('runs.start', stepRun);
      await expect(call('runs.start', stepRun)).rejects.toMatchObject({ message: 'too many live runs (64): stop or finish one first' });
    } finally {
      await host.close();
    }
    const small = await openHost({ env: { SWITCHBOARD_MAX_LIVE_RUNS: '1' } }, 'ws-small');
    try {
      await small.call('runs.start', stepRun);
      await expect(small.call('runs.start', stepRun)).rejects.toMatchObject({ message: 'too many live runs (1): stop or finish one first' });
    } finally {
      await small.host.close();
    }
  });

  it('refuses a $SWITCHBOARD_MAX_LIVE_RUNS that is not a count, naming it', async () => {
    for (const text of ['0', 'lots', '-3', '1.5', '1000001']) {
      expect(() => maxLiveRunsFromEnv({ SWITCHBOARD_MAX_LIVE_RUNS: text })).toThrow(/^SWITCHBOARD_MAX_LIVE_RUNS must be a whole number from 1 to 100000, not "/);
    }
    expect(maxLiveRunsFromEnv({})).toBeUndefined();
    expect(maxLiveRunsFromEnv({ SWITCHBOARD_MAX_LIVE_RUNS: ' 200 ' })).toBe(200);
    await expect(openHost({ env: { SWITCHBOARD_MAX_LIVE_RUNS: 'lots' } })).rejects.toThrow('SWITCHBOARD_MAX_LIVE_RUNS must be a whole number');
  });
});
