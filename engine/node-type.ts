import type * as z from 'zod';
import type { Clock } from './ports.ts';
import type { EvidenceItem } from './approval-evidence.ts';

export type Effect = 'read' | 'write';
export type Decision = 'approved' | 'rejected' | 'expired';

/** What an approval asks a person: the prompt, its deadline, and what to show beside it. */
export interface DecisionRequest {
  prompt: string;
  expiresAt: number;
  details?: unknown;
  evidence?: EvidenceItem[];
}

/**
 * A minimal abort signal, for libraries that take a generic one (axios does): the same
 * cancellation as `NodeContext.signal` at a fraction of a real AbortSignal's cost.
 */
export interface Cancellation {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** One address a host name resolved to. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/**
 * Where a run's requests may go beyond the public internet. The connector SDK applies it to every
 * request on the address actually connected to (after DNS, on every redirect hop); by default
 * loopback, link-local, private, multicast and reserved addresses are refused.
 */
export interface EgressPolicy {
  /**
   * What is reachable besides public addresses: CIDR ranges (`10.0.0.0/8`), addresses, host names
   * (`siem.corp.local`, `*.corp.local`), each optionally with `:port` (IPv6 in brackets).
   */
  allow: readonly string[];
  /** Ports of this machine's own listeners (the editor's server): refused on a local address whatever `allow` says. */
  ownPorts?: readonly number[];
  /** Resolves a host name to every address; `dns.lookup` when absent (tests inject one). */
  lookup?: (hostname: string) => Promise<readonly ResolvedAddress[]>;
}

/** What a node implementation receives besides its resolved input. */
export interface NodeContext {
  runId: string;
  nodeId: string;
  /** 1-based attempt number. */
  attempt: number;
  dryRun: boolean;
  /** Aborts on stop, on the node's timeout, or when the run is cancelled. Created when first read. */
  signal: AbortSignal;
  /** The same cancellation, cheaper: pass this one to HTTP clients (the SDK does). */
  cancellation: Cancellation;
  clock: Clock;
  /** The bound credential's values; never logged, never reachable from expressions. */
  credentials?: Record<string, unknown>;
  /** The run's egress policy; absent, the SDK's default (public addresses only). */
  egress?: EgressPolicy;
  /** Stable across attempts of the same node (and item), so vendors can de-duplicate writes. */
  idempotencyKey: string;
  /** The run's trigger event. */
  trigger: unknown;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  /** Evaluates a template (a param kept raw, see `rawParams`) with optional `item`/`index`. */
  evaluate(template: unknown, extra?: { item?: unknown; index?: number }): Promise<unknown>;
  /** Pauses until a human decides, or the deadline passes. */
  requestDecision(request: DecisionRequest): Promise<Decision>;
  /**
   * Runs another playbook as a child of this run and resolves with its output. The child uses its
   * own credential bindings, except the slots `pass` maps to one of this playbook's slots.
   */
  runPlaybook(ref: string, event: unknown, pass?: Readonly<Record<string, string>>): Promise<unknown>;
}

/**
 * One node type of the catalogue (`core.set@1`, `virustotal.url_report@1`): everything the
 * validator, executor and editor need. Connectors produce these through `defineConnector`.
 */
export interface NodeTypeSpec<I = unknown, O = unknown> {
  /** `vendor.action@version`. */
  type: string;
  connector: string;
  action: string;
  title: string;
  description: string;
  category: string;
  kind: 'trigger' | 'action';
  effect: Effect;
  /** Schema of the resolved params. */
  input: z.ZodType<I>;
  /** Declared example output: documents the shape, drives completion and the dry run. */
  example: O;
  /**
   * Schema of the output (a trigger's: of its event), when declared: validation checks the fields
   * that `nodes.<id>.output.…` and `trigger.…` read against it. Not enforced at run time.
   */
  output?: z.ZodType;
  /** The connector whose credentials this node needs, if any. */
  credentials?: { connector: string; required: boolean; schema?: z.ZodType };
  /** Output ports, from the node's raw params (a switch's ports are its case names). */
  ports(params: Record<string, unknown>): string[];
  /** Picks the port taken by a successful output; `out` when absent. */
  route?(output: O): string;
  /** Params handed over unresolved, for the node to evaluate itself (e.g. per item). */
  rawParams?: readonly string[];
  /**
   * `instant`: pure computation that cannot hang (no timeout or abort wiring, no rate limit, no
   * retry, since the same input would fail the same way: the hot path of long chains); it may
   * answer synchronously. `waits`: waits on purpose (approval, delay, sub-playbook), so no
   * default timeout. Absent: an I/O call under the default timeout.
   */
  timing?: 'instant' | 'waits';
  /** Whether retrying after an unknown outcome is safe (GETs are; a POST usually is not). */
  idempotent?: boolean;
  /** Instant nodes may return (or throw) synchronously, sparing a chain a promise per node. */
  run(ctx: NodeContext, input: I): Promise<O> | O;
}

export type NodeRegistry = ReadonlyMap<string, NodeTypeSpec>;

/** Builds a registry from specs, refusing two specs of the same type. */
export function createRegistry(specs: Iterable<NodeTypeSpec>): NodeRegistry {
  const map = new Map<string, NodeTypeSpec>();
  for (const spec of specs) {
    if (map.has(spec.type)) throw new Error(`duplicate node type ${spec.type}`);
    map.set(spec.type, spec);
  }
  return map;
}

/** Ports of an ordinary action: its output and its error path. */
export const ACTION_PORTS = ['out', 'error'] as const;
