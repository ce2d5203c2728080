import type { NodeErrorInfo } from '../errors.ts';
import type { Playbook } from '../format/playbook.ts';
import type { Decision, EgressPolicy, NodeRegistry } from '../node-type.ts';
import type { Clock, CredentialsPort, JournalPort, PlaybookResolver } from '../ports.ts';
import type { ExpressionLimits } from '../expressions/types.ts';
import type { EvidenceItem } from '../approval-evidence.ts';
import type { ValueLimits } from './value-limits.ts';
import type { NodeStatus, OutputSource, PauseReason, RunEvent, RunMode, RunStatus, UnknownOutcomeChoice } from './events.ts';

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
  source?: OutputSource;
  progress?: { done: number; total: number };
  /** forEach: outputs of the items that completed, by index (what a resume reuses). */
  itemOutputs?: Record<number, unknown>;
  /** forEach of a non-idempotent write: items that were sent (their outcome may be unknown). */
  itemsSent?: Record<number, true>;
  /** The node called a lab twin (its credential was a lab credential). */
  lab?: true;
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
  /** Each approval asked for: its prompt and evidence, then who decided what, with their comment. */
  approvals: Record<string, { prompt: string; expiresAt: number; evidence?: EvidenceItem[]; decision?: Decision; by?: string; comment?: string }>;
  error?: NodeErrorInfo & { nodeId?: string };
  output?: unknown;
  /** The last node that finished (succeeded, failed or was skipped), in journal order. */
  lastCompletedNodeId?: string;
  fromRunId?: string;
  /** The run was started in lab mode. */
  lab?: true;
  /** Root of the run's idempotency keys (the original run's id); the run's own id when absent. */
  keyRoot?: string;
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
  /**
   * What a resume does with a write the earlier run had sent without recording its outcome:
   * `ask` pauses for the analyst (the default), `resend` sends it again with the same
   * idempotency key, `fail` fails the node. Unattended runs choose `fail` or `resend`.
   */
  unknownOutcome?: 'ask' | 'resend' | 'fail';
  /** Run-wide limit on nodes (and forEach items) running at once. */
  concurrency?: number;
  /** Token buckets per connector id: `ratePerSecond` refill, `burst` capacity. */
  rateLimits?: Readonly<Record<string, { ratePerSecond: number; burst: number }>>;
  credentials?: CredentialsPort;
  /** Lab mode: recorded on the run (the credentials port decides where unbound slots go). */
  lab?: boolean;
  /** Where the run's requests may go beyond the public internet; handed to every node as `ctx.egress`. */
  egress?: EgressPolicy;
  playbooks?: PlaybookResolver;
  clock?: Clock;
  journal?: JournalPort;
  signal?: AbortSignal;
  expressionLimits?: ExpressionLimits;
  /** Bounds on outputs, inputs and the trigger event (DEFAULT_VALUE_LIMITS when absent). */
  valueLimits?: ValueLimits;
  /** Root of idempotency keys for a child run (its parent's root, node and item). */
  keyRoot?: string;
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
  /**
   * Decide a write paused as `unknown-outcome`: send it again with the same idempotency key,
   * mark it done with `output` (on `port`), or fail it. Returns false when nothing waits for it.
   */
  resolveUnknown(choice: UnknownOutcomeChoice, output?: unknown, port?: string): boolean;
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
