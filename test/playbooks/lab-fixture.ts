import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { loadPlaybook } from '../../engine/format/load.ts';
import type { Playbook } from '../../engine/format/playbook.ts';
import type { RunEvent } from '../../engine/run/events.ts';
import { startRun } from '../../engine/run/executor.ts';
import type { RunState } from '../../engine/run/types.ts';
import { startLab, type Lab } from '../../lab/lab.ts';
import type { Fault, RunningTwin } from '../../lab/twin.ts';
import { labVendors } from '../../lab/vendors.ts';
import { clearKevCache } from '../../nodes/cisa_kev/catalog.ts';
import { forgetFalconTokens } from '../../nodes/crowdstrike/client.ts';
import { createBuiltinRegistry } from '../../nodes/registry.ts';
import { LoopbackClock } from '../support/loopback-clock.ts';

/** The repository root: where `bin/switchboard.js` and `playbooks/` live. */
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

/** What `switchboard …` printed and exited with. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
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
  /** Runs a shipped playbook on the lab with a LoopbackClock, deciding approvals as told. */
  runShipped(id: string, options?: RunShippedOptions): Promise<ShippedRun>;
  /** Spawns `node bin/switchboard.js <args> --workspace <temp dir>` from the repo root. */
  runCli(args: readonly string[]): Promise<CliResult>;
}

const registry = createBuiltinRegistry();

/** Module-level caches of connectors that would carry one test's state into the next. */
function clearConnectorCaches(): void {
  clearKevCache();
  forgetFalconTokens();
}

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
    const response = await fetch(`${twin(connectorId).url}/_lab/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(faults),
    });
    if (!response.ok) throw new Error(`the ${connectorId} twin refused the fault: ${response.status} ${await response.text()}`);
  };

  const runCli = (args: readonly string[]): Promise<CliResult> => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-playbook-'));
    workspaces.push(workspace);
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'switchboard.js'), ...args, '--workspace', workspace], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  };

  return {
    lab,
    twin,
    twinState: <S>(connectorId: string): S => structuredClone(twin(connectorId).state()) as S,
    fault,
    loadShipped,
    runShipped,
    runCli,
  };
}

/** The text of an Atlassian Document Format document (a Jira description): blocks on their own lines. */
export function adfText(node: unknown): string {
  if (node === null || typeof node !== 'object') return '';
  const { type, text, content } = node as { type?: string; text?: unknown; content?: unknown };
  if (typeof text === 'string') return text;
  if (!Array.isArray(content)) return '';
  return content.map(adfText).join(type === 'paragraph' || type === 'heading' ? '' : '\n');
}
