import type { NodeErrorInfo } from '../errors.ts';
import type { Playbook } from '../format/playbook.ts';
import type { Decision, NodeRegistry } from '../node-type.ts';
import type { Clock, CredentialsPort, JournalPort, PlaybookResolver } from '../ports.ts';
import type { ExpressionLimits } from '../expressions/types.ts';
import type { NodeStatus, PauseReason, RunEvent, RunMode, RunStatus } from './events.ts';

/** One node's state in a run, as the reducer rebuilds it from events. */
export interface NodeRunState {
  status: NodeStatus;
  attempt: number;
  input?: unknown;
  output?: unknown;
  port?: string;
  error?: NodeErrorInfo;
  startedAt?: number;
  finishedAt?: number;
  durationMs?: number;
  source?: 'pin' | 'user' | 'reused';
  progress?: { done: number; total: number };
}

/** A run's state: the same on the host and in the UI, because both reduce the same events. */
export interface RunState {
  runId: string;
  playbookId: string;
  playbookName: string;
  revision: number;
  mode: RunMode;
  dryRun: boolean;
  status: RunStatus;
  trigger: unknown;
  startedAt: number;
  finishedAt?: number;
  durationMs?: number;
  nodes: Record<string, NodeRunState>;
  paused?: { nodeId: string; reason: PauseReason; input: unknown };
  approvals: Record<string, { prompt: string; expiresAt: number; decision?: Decision }>;
  error?: NodeErrorInfo & { nodeId?: string };
  output?: unknown;
  /** The last node that finished (succeeded, failed or was skipped), in journal order. */
  lastCompletedNodeId?: string;
  fromRunId?: string;
  lastSeq: number;
}

/** A fixed output for a node: the node does not run, its output and port are these. */
export interface PinnedOutput {
  output: unknown;
  port?: string;
}

export interface RunOptions {
  playbook: Playbook;
  registry: NodeRegistry;
  trigger?: unknown;
  runId?: string;
  mode?: RunMode;
  breakpoints?: readonly string[];
  dryRun?: boolean;
  pins?: Readonly<Record<string, PinnedOutput>>;
  /** "Run from here" / resume: reuse this earlier run's outputs for every node outside `rerun`. */
  reuse?: { previous: RunState; fromNodeId?: string; rerun?: readonly string[] };
  /** Run-wide limit on nodes (and forEach items) running at once. */
  concurrency?: number;
  /** Token buckets per connector id: `ratePerSecond` refill, `burst` capacity. */
  rateLimits?: Readonly<Record<string, { ratePerSecond: number; burst: number }>>;
  credentials?: CredentialsPort;
  playbooks?: PlaybookResolver;
  clock?: Clock;
  journal?: JournalPort;
  signal?: AbortSignal;
  expressionLimits?: ExpressionLimits;
  /** Nesting of sub-playbooks; the executor refuses to go deeper than `maxDepth`. */
  depth?: number;
  maxDepth?: number;
  parentRunId?: string;
  random?: () => number;
  onEvent?: (event: RunEvent) => void;
}

/** What the inspector shows while paused: the node about to run and its resolved input. */
export interface PausedAt {
  nodeId: string;
  reason: PauseReason;
  input: unknown;
}

/** Interactive control of a running run (DESIGN.md §6). */
export interface DebugController {
  /** Pause before the next node starts. */
  pause(): void;
  /** Run the paused node, then pause before the next. */
  step(): void;
  /** Run on until a breakpoint (or the end). */
  continue(): void;
  /** Do not run the paused node: it succeeds with `output` on `port` (default `out`). */
  skip(output?: unknown, port?: string): void;
  /** Replace the paused node's resolved input before it runs. */
  override(input: unknown): void;
  setBreakpoints(nodeIds: readonly string[]): void;
  /** The paused node and its resolved input, if paused. */
  inspect(): PausedAt | undefined;
  /** Decide a waiting approval. Returns false when no such approval is waiting. */
  decide(nodeId: string, decision: 'approved' | 'rejected', by?: string, comment?: string): boolean;
  /** Cancel the run: aborts every in-flight request. */
  stop(reason?: string): void;
}

export interface RunHandle {
  runId: string;
  /** Resolves when the run has finished and its last event is in the journal. */
  done: Promise<RunState>;
  state(): RunState;
  debug: DebugController;
  subscribe(listener: (event: RunEvent) => void): () => void;
}
