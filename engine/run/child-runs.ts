import { NodeError } from '../errors.ts';
import type { CredentialsPort } from '../ports.ts';
import type { RunCore } from './run-core.ts';
import type { RunHandle, RunOptions } from './types.ts';

/**
 * Runs a sub-playbook as a child run, refusing to nest deeper than the limit; its output is the
 * child's output, its failure a FAILED (or CANCELLED) error naming where the child stopped.
 */
export async function runChild(parent: RunCore, startRun: StartRun, request: ChildRunRequest): Promise<unknown> {
  const { options } = parent;
  const { nodeId, ref, index } = request;
  const depth = (options.depth ?? 0) + 1;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (depth > maxDepth) throw new NodeError('FAILED', `sub-playbook ${ref} would nest ${depth} deep; the limit is ${maxDepth}`);
  if (!options.playbooks) throw new NodeError('FAILED', `no playbook resolver to load sub-playbook ${ref}`);
  const playbook = await options.playbooks.load(ref);
  const child = startRun({
    ...options,
    playbook,
    credentials: childCredentials(options.credentials, playbook.id, request.pass),
    trigger: request.event,
    runId: `${parent.runId}.${nodeId}.${Math.floor(Math.random() * 1e6).toString(36)}`,
    // Deterministic, unlike the child's run id: a resumed parent's child sends the same keys.
    keyRoot: `${parent.keyRoot}.${nodeId}${index === undefined ? '' : `.${index}`}`,
    depth,
    maxDepth,
    parentRunId: parent.runId,
    signal: request.signal,
    mode: 'run',
    breakpoints: [],
    pins: {},
    reuse: undefined,
    unknownOutcome: undefined,
    journal: undefined,
    onEvent: undefined,
  });
  const state = await child.done;
  if (state.status !== 'succeeded') {
    const where = state.error?.nodeId ? ` at ${state.error.nodeId}` : '';
    throw new NodeError(state.error?.code === 'CANCELLED' ? 'CANCELLED' : 'FAILED', `sub-playbook ${playbook.id} ${state.status}${where}: ${state.error?.message ?? ''}`.trim());
  }
  return state.output;
}

/** Sub-playbooks may nest this deep unless the caller says otherwise. */
export const DEFAULT_MAX_DEPTH = 5;

/** Starts a run; injected so that child runs reach the executor without importing it. */
export type StartRun = (options: RunOptions) => RunHandle;

/**
 * A child run's credentials: its own bindings (or, with no per-playbook bindings, the same
 * source), except the slots the parent passes explicitly, which resolve through the parent's slot.
 */
export function childCredentials(parent: CredentialsPort | undefined, playbookId: string, pass: Readonly<Record<string, string>> | undefined): CredentialsPort | undefined {
  if (!parent) return undefined;
  const own = parent.forPlaybook?.(playbookId) ?? parent;
  if (!pass || Object.keys(pass).length === 0) return own;
  return {
    resolve: (slot, connector) => (Object.hasOwn(pass, slot) ? parent.resolve(pass[slot]!, connector) : own.resolve(slot, connector)),
    ...(own.forPlaybook ? { forPlaybook: (id: string) => own.forPlaybook!(id) } : {}),
  };
}

/** What a sub-playbook node asks for: which playbook, with what event, from which node and item. */
export interface ChildRunRequest {
  nodeId: string;
  ref: string;
  event: unknown;
  signal: AbortSignal;
  index: number | undefined;
  pass: Readonly<Record<string, string>> | undefined;
}
