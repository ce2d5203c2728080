import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CHAIN, openChainBench } from './node-overhead.ts';
import { benchResult, medianOf, medianPair } from './stats.ts';
import type { BenchResult } from './stats.ts';

const NAME = 'peer-nodered-chain-1000';
/** Node-RED 5 needs Node 22; 4 is the line that runs on our Node 20.19. */
const NODE_RED_SPEC = 'node-red@4';
const PREFIX = fileURLToPath(new URL('./node-red/', import.meta.url));
const START_TIMEOUT_MS = 60_000;

type Message = Record<string, unknown>;

/** The slice of Node-RED's embedding API (`require('node-red')`) this benchmark uses. */
interface NodeRed {
  init(server: unknown, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  events: { once(event: string, listener: () => void): void };
  nodes: { getNode(id: string): { receive(msg: Message): void } | null };
  version?: string;
}

/** Installs Node-RED into bench/node-red/ (git-ignored) on first use; never into the app. */
function ensureNodeRed(): void {
  if (existsSync(join(PREFIX, 'node_modules', 'node-red', 'package.json'))) return;
  process.stderr.write(`${NAME}: installing ${NODE_RED_SPEC} into bench/node-red/ (first run only)\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--prefix', PREFIX, NODE_RED_SPEC, '--no-save', '--no-audit', '--no-fund'], {
    stdio: ['ignore', 2, 2],
    timeout: 10 * 60_000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`npm install ${NODE_RED_SPEC} exited with ${result.status}`);
}

/**
 * The flow (nodes need x/y, or Node-RED takes them for config nodes): change_1 → … → change_1000 → a function node that hands the message back through
 * `functionGlobalContext`. Each change node sets `msg.payload` to the same small object our
 * `core.set` nodes build.
 */
function chainFlow(): Record<string, unknown>[] {
  const flow: Record<string, unknown>[] = [{ id: 'bench', type: 'tab', label: 'bench' }];
  for (let i = 1; i <= CHAIN; i++) {
    flow.push({
      id: `change_${i}`,
      type: 'change',
      z: 'bench',
      name: '',
      x: 100 + (i % 10) * 150,
      y: 40 + Math.floor(i / 10) * 40,
      rules: [{ t: 'set', p: 'payload', pt: 'msg', to: JSON.stringify({ step: i, ok: true }), tot: 'json' }],
      wires: [[i < CHAIN ? `change_${i + 1}` : 'finish']],
    });
  }
  flow.push({
    id: 'finish',
    type: 'function',
    z: 'bench',
    name: 'finish',
    x: 100,
    y: 40 + CHAIN * 4 + 80,
    func: "global.get('benchDone')(msg);\nreturn null;",
    outputs: 0,
    wires: [],
  });
  return flow;
}

/** Starts Node-RED embedded, with no editor, no admin or node HTTP, and logging off. */
async function startNodeRed(userDir: string, onDone: (msg: Message) => void): Promise<NodeRed> {
  const require = createRequire(join(PREFIX, 'package.json'));
  const red = require('node-red') as NodeRed;
  await writeFile(join(userDir, 'flows.json'), JSON.stringify(chainFlow()));
  red.init(createServer(), {
    userDir,
    flowFile: 'flows.json',
    credentialSecret: false,
    httpAdminRoot: false,
    httpNodeRoot: false,
    disableEditor: true,
    logging: { console: { level: 'off', metrics: false, audit: false } },
    telemetry: { enabled: false },
    diagnostics: { enabled: false },
    externalModules: { autoInstall: false },
    functionGlobalContext: { benchDone: onDone },
  });
  let timer: NodeJS.Timeout | undefined;
  const started = new Promise<void>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error('flows did not start within 60 s')), START_TIMEOUT_MS);
    red.events.once('flows:started', () => resolve());
  });
  try {
    await red.start();
    await started;
    return red;
  } catch (err) {
    await red.stop().catch(() => undefined);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Node-RED running the chain: one sample is one message end to end, in µs per node. */
interface NodeRedChain {
  sample(): Promise<number>;
  close(): Promise<void>;
}

async function openNodeRedChain(): Promise<NodeRedChain> {
  ensureNodeRed();
  const userDir = await mkdtemp(join(tmpdir(), 'switchboard-bench-node-red-'));
  let finish: ((msg: Message) => void) | undefined;
  let red: NodeRed | undefined;
  const close = async (): Promise<void> => {
    finish = undefined;
    await red?.stop();
    await rm(userDir, { recursive: true, force: true });
  };
  try {
    red = await startNodeRed(userDir, (msg) => finish?.(msg));
    const first = red.nodes.getNode('change_1');
    if (!first) throw new Error('the chain did not deploy');
    const sample = () =>
      new Promise<number>((resolve, reject) => {
        const started = performance.now();
        finish = (msg) => {
          const elapsed = performance.now() - started;
          const payload = msg.payload as { step?: number } | undefined;
          if (payload?.step !== CHAIN) reject(new Error('the message did not pass every change node'));
          else resolve((elapsed * 1_000) / CHAIN);
        };
        first.receive({ payload: {} });
      });
    return { sample, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

/**
 * `peer-nodered-chain-1000`: our µs per node (journal on) against Node-RED's over the same chain,
 * sampled in alternation. When Node-RED cannot be installed or started, the baseline is NaN and
 * the reason goes to stderr.
 */
export async function peerNodeRedChain1000(): Promise<BenchResult> {
  const ours = await openChainBench();
  let peer: NodeRedChain | undefined;
  try {
    try {
      peer = await openNodeRedChain();
    } catch (err) {
      process.stderr.write(`${NAME}: Node-RED unavailable: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    const options = { warmup: 30, runs: 31 };
    if (!peer) return benchResult(NAME, await medianOf(ours.sample, options), Number.NaN);
    const [oursFigure, peerFigure] = await medianPair(ours.sample, peer.sample, options);
    return benchResult(NAME, oursFigure, peerFigure);
  } finally {
    await peer?.close();
    await ours.close();
  }
}
