import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { loadPlaybook } from '../../engine/format/load.ts';
import type { Playbook } from '../../engine/format/playbook.ts';
import type { RunEvent } from '../../engine/run/events.ts';
import { startRun } from '../../engine/run/executor.ts';
import type { RunState } from '../../engine/run/types.ts';
import { startLab, type Lab } from '../../host/lab/lab.ts';
import type { Fault, RunningTwin } from '../../lab/twin.ts';
import type { JiraIssue, JiraTwinState } from '../../lab/twins/jira.ts';
import { SLACK_CHANNELS, type SlackTwinState } from '../../lab/twins/slack.ts';
import { labVendors } from '../../host/lab/vendors.ts';
import { createBuiltinRegistry } from '../../nodes/registry.ts';
import { cli, type CliResult } from '../host/cli/harness.ts';
import { clearConnectorCaches } from '../support/connector-caches.ts';
import { LoopbackClock } from '../support/loopback-clock.ts';
import { labControl } from '../support/lab-control.ts';

/** The repository root: where `playbooks/` lives and the CLI runs from. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** How a shipped playbook is run: its trigger event (default: the trigger's `params.sample`), dry run, approvals. */
export interface RunShippedOptions {
  trigger?: unknown;
  dryRun?: boolean;
  /** How every approval is decided; `rejected` when not given, as the CLI does with no terminal to ask. */
  approve?: 'approved' | 'rejected';
}

/** A finished run: its final state and every event it emitted, in order. */
export interface ShippedRun {
  state: RunState;
  events: RunEvent[];
}

/** The accessors `useLab` returns; call them inside tests (the lab starts in `beforeAll`). */
export interface LabFixture {
  lab(): Lab;
  /** The twin of a connector (by connector id: `panos`, `msgraph`, `cisa_kev`…), with its `requests` log. */
  twin(connectorId: string): RunningTwin<unknown>;
  /** A deep copy of a twin's state now, so a before/after comparison cannot alias. */
  twinState<S = Record<string, unknown>>(connectorId: string): S;
  /** Injects a fault through the twin's own control endpoint (`POST /_lab/faults`). */
  fault(connectorId: string, fault: Fault | Fault[]): Promise<void>;
  /** `playbooks/<id>.playbook.json`, loaded and validated as the CLI does; fails the test on any problem. */
  loadShipped(id: string): Playbook;
  /** The event a shipped playbook runs on when none is given: its trigger's `params.sample`. */
  sample<T = Record<string, unknown>>(id: string): T;
  /** Runs a shipped playbook on the lab with a LoopbackClock, deciding approvals as told. */
  runShipped(id: string, options?: RunShippedOptions): Promise<ShippedRun>;
  /** Runs `switchboard <args> --workspace <temp dir>` in-process from the repo root. */
  runCli(args: readonly string[]): Promise<CliResult>;
}

const registry = createBuiltinRegistry();

/** The event a run starts with when none is given: the trigger node's `params.sample` (as the CLI does). */
function sampleOf(playbook: Playbook): unknown {
  const trigger = playbook.nodes.find((n) => registry.get(n.type)?.kind === 'trigger');
  return trigger?.params['sample'] ?? {};
}

/**
 * Registers the lab's hooks in the calling test file: the whole lab starts once (`beforeAll`),
 * stops at the end (`afterAll`), and every twin and connector cache is reset before each test.
 */
export function useLab(): LabFixture {
  let current: Lab | undefined;
  const twinsByConnector = new Map<string, RunningTwin<unknown>>();
  const loaded = new Map<string, Playbook>();
  const workspaces: string[] = [];

  beforeAll(async () => {
    current = await startLab(labVendors);
    labVendors.forEach((vendor, i) => twinsByConnector.set(vendor.connector.id, current!.twins[i]!));
  });

  afterAll(async () => {
    await current?.close();
    for (const dir of workspaces) fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    current?.reset();
    clearConnectorCaches();
  });

  const lab = (): Lab => {
    if (!current) throw new Error('the lab is not running: call lab accessors inside a test');
    return current;
  };

  const twin = (connectorId: string): RunningTwin<unknown> => {
    lab();
    const found = twinsByConnector.get(connectorId);
    if (!found) throw new Error(`no lab twin for connector ${connectorId}`);
    return found;
  };

  const loadShipped = (id: string): Playbook => {
    const cached = loaded.get(id);
    if (cached) return cached;
    const file = path.join(REPO_ROOT, 'playbooks', `${id}.playbook.json`);
    const { playbook, problems } = loadPlaybook(fs.readFileSync(file), registry);
    expect(problems, `problems in playbooks/${id}.playbook.json`).toEqual([]);
    if (!playbook) throw new Error(`playbooks/${id}.playbook.json did not load`);
    loaded.set(id, playbook);
    return playbook;
  };

  const runShipped = async (id: string, options: RunShippedOptions = {}): Promise<ShippedRun> => {
    const playbook = loadShipped(id);
    const events: RunEvent[] = [];
    const handle = startRun({
      playbook,
      registry,
      trigger: options.trigger ?? sampleOf(playbook),
      credentials: lab().credentialsPort,
      dryRun: options.dryRun ?? false,
      clock: new LoopbackClock(),
    });
    handle.subscribe((event) => {
      events.push(event);
      if (event.type === 'approval.requested') handle.debug.decide(event.nodeId, options.approve ?? 'rejected', 'playbook-test');
    });
    const state = await handle.done;
    return { state, events };
  };

  const fault = async (connectorId: string, faults: Fault | Fault[]): Promise<void> => {
    const response = await labControl(twin(connectorId), '/_lab/faults', faults);
    if (!response.ok) throw new Error(`the ${connectorId} twin refused the fault: ${response.status} ${await response.text()}`);
  };

  const runCli = (args: readonly string[]): Promise<CliResult> => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-playbook-'));
    workspaces.push(workspace);
    return cli([...args, '--workspace', workspace], { cwd: REPO_ROOT });
  };

  return {
    lab,
    twin,
    twinState: <S>(connectorId: string): S => structuredClone(twin(connectorId).state()) as S,
    fault,
    loadShipped,
    sample: <T>(id: string): T => sampleOf(loadShipped(id)) as T,
    runShipped,
    runCli,
  };
}

/** The texts posted to #soc-alerts, oldest first. */
export function socAlerts(fixture: LabFixture): string[] {
  return fixture.twinState<SlackTwinState>('slack').channels[SLACK_CHANNELS.socAlerts]!.messages.map((m) => m.text);
}

/** Every issue in the Jira twin. */
export function jiraIssues(fixture: LabFixture): JiraIssue[] {
  return Object.values(fixture.twinState<JiraTwinState>('jira').issues);
}

/** Checks a dry run of a shipped playbook: the write nodes that ran are exactly `expected` (sorted), each simulated. */
export function expectSimulatedWrites(fixture: LabFixture, id: string, state: RunState, expected: string[]): void {
  const writes = fixture.loadShipped(id).nodes.filter((n) => registry.get(n.type)?.effect === 'write' && state.nodes[n.id]!.status !== 'skipped');
  expect(writes.map((n) => n.id).sort()).toEqual(expected);
  for (const node of writes) expect(state.nodes[node.id]!.status, node.id).toBe('simulated');
}

/** The test that a shipped playbook runs through the CLI on the lab, for real and as a dry run. */
export function itRunsOnTheCommandLine(fixture: LabFixture, id: string): void {
  it('runs from the command line on the lab, for real and as a dry run', async () => {
    const file = `playbooks/${id}.playbook.json`;
    const [real, dry] = await Promise.all([fixture.runCli(['run', file, '--lab']), fixture.runCli(['run', file, '--lab', '--dry-run'])]);

    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toContain('succeeded');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('simulated');
  }, 60_000);
}
