import type { NodeErrorInfo } from '../errors.ts';
import type { Decision } from '../node-type.ts';
import type { EvidenceItem } from '../approval-evidence.ts';

export type RunMode = 'run' | 'step';
export type RunStatus = 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
/** `not-run`: the run ended (failed or stopped) before this node started; see `endedStatus`. */
export type NodeStatus = 'idle' | 'running' | 'paused' | 'succeeded' | 'failed' | 'skipped' | 'simulated' | 'not-run';
export type SkipReason = 'dead-path' | 'disabled' | 'user' | 'join';
/** `unknown-outcome`: a resumed run reached a write that had been sent when the earlier run died. */
export type PauseReason = 'step' | 'breakpoint' | 'pause' | 'unknown-outcome';
/** Where a node's output came from when the node did not run to produce it. */
export type OutputSource = 'pin' | 'user' | 'reused' | 'marked';
/** What the analyst (or the `--unknown` policy) chose for a write whose outcome is unknown. */
export type UnknownOutcomeChoice = 'resend' | 'mark-done' | 'fail';

interface Base {
  /** Position in the run's journal, from 1. */
  seq: number;
  runId: string;
  /** Epoch milliseconds. */
  at: number;
}

/**
 * The events of a run (DESIGN.md §7). The journal stores them, the UI streams them, and
 * `reduceRun` turns them into run state on both sides.
 */
export type RunEvent =
  | (Base & {
      type: 'run.started';
      playbookId: string;
      playbookName: string;
      revision: number;
      mode: RunMode;
      dryRun: boolean;
      trigger: unknown;
      /** Set for "run from here" and resume: the run whose outputs were reused. */
      fromRunId?: string;
      fromNodeId?: string;
      parentRunId?: string;
      /** The run was started in lab mode: unbound credential slots resolve to the lab's twins. */
      lab?: true;
      /**
       * Root of the run's idempotency keys when it re-attempts an earlier run's work (resume, "run
       * from here"): the original run's id, so a vendor sees the same key for the same write.
       */
      keyRoot?: string;
      nodeIds: string[];
    })
  | (Base & {
      type: 'node.started';
      nodeId: string;
      attempt: number;
      input: unknown;
      items?: number;
      /** The node's credential points at a lab twin. */
      lab?: true;
    })
  | (Base & { type: 'node.log'; nodeId: string; level: 'debug' | 'info' | 'warn' | 'error'; message: string })
  | (Base & {
      type: 'node.progress';
      nodeId: string;
      done: number;
      total: number;
      /** The forEach item that just completed, and its output: a resume never sends it again. */
      index?: number;
      output?: unknown;
    })
  /** A forEach item of a write that is not idempotent is about to be sent (written before it is). */
  | (Base & { type: 'node.item.started'; nodeId: string; index: number })
  | (Base & { type: 'node.retrying'; nodeId: string; attempt: number; delayMs: number; error: NodeErrorInfo })
  | (Base & {
      type: 'node.succeeded';
      nodeId: string;
      attempt: number;
      output: unknown;
      port: string;
      durationMs: number;
      /** A dry run replaced this write with its example output. */
      simulated?: boolean;
      /** The output came from a pin, a skip with output, a previous run, or an analyst's "mark done". */
      source?: OutputSource;
      /** Resolved input of an instant node, which emits no `node.started` (it starts and ends at once). */
      input?: unknown;
      /** An instant node's credential pointed at a lab twin (see node.started). */
      lab?: true;
    })
  | (Base & {
      type: 'node.failed';
      nodeId: string;
      attempt: number;
      error: NodeErrorInfo;
      durationMs: number;
      /** The node has an error edge and the run goes on along it. */
      handled: boolean;
      /** Resolved input of an instant node (see node.succeeded). */
      input?: unknown;
      /** An instant node's credential pointed at a lab twin (see node.started). */
      lab?: true;
    })
  | (Base & { type: 'node.skipped'; nodeId: string; reason: SkipReason })
  | (Base & { type: 'run.paused'; nodeId: string; reason: PauseReason; input: unknown })
  | (Base & {
      type: 'run.resumed';
      nodeId: string;
      action: 'step' | 'continue' | 'skip' | UnknownOutcomeChoice;
      /** Who chose an unknown-outcome action: the analyst, or the run's `--unknown` policy. */
      by?: 'analyst' | 'policy';
    })
  | (Base & {
      type: 'approval.requested';
      nodeId: string;
      prompt: string;
      expiresAt: number;
      details?: unknown;
      /** What the approver is shown beside the prompt; absent in journals written before evidence existed. */
      evidence?: EvidenceItem[];
    })
  | (Base & { type: 'approval.decided'; nodeId: string; decision: Decision; by?: string; comment?: string })
  | (Base & {
      type: 'run.finished';
      status: 'succeeded' | 'failed' | 'cancelled';
      durationMs: number;
      error?: NodeErrorInfo & { nodeId?: string };
      output?: unknown;
    });

export type RunEventType = RunEvent['type'];

/** An event before the executor stamps its `seq`, `runId` and `at`. */
export type RunEventBody = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'seq' | 'runId' | 'at'> : never) : never;

export const TERMINAL_EVENT: RunEventType = 'run.finished';
