import type { SkipReason } from './events.ts';

/** How a node ended, as far as its outgoing edges care. */
export type Settlement =
  | { kind: 'succeeded'; port: string }
  | { kind: 'failed'; handled: boolean }
  | { kind: 'skipped'; reason: SkipReason };

/**
 * Whether an outgoing edge on `edgePort` is taken. A disabled node passes through on `out`
 * (as in n8n), so switching one off does not silently kill everything after it.
 */
export function isEdgeTaken(edgePort: string, settlement: Settlement): boolean {
  switch (settlement.kind) {
    case 'succeeded':
      return edgePort === settlement.port;
    case 'failed':
      return settlement.handled && edgePort === 'error';
    case 'skipped':
      return settlement.reason === 'disabled' && edgePort === 'out';
  }
}

/**
 * Once every incoming edge is settled: `any` runs on at least one taken edge, `all` only when
 * every edge was taken. Otherwise the node is skipped and its own edges die (dead-path elimination).
 */
export function joinDecision(join: 'any' | 'all', taken: number, total: number): 'run' | SkipReason {
  if (total === 0) return 'run';
  if (join === 'all') return taken === total ? 'run' : taken === 0 ? 'dead-path' : 'join';
  return taken > 0 ? 'run' : 'dead-path';
}

/** Why (if at all) the run pauses before starting a node. */
export function pauseReason(
  mode: 'run' | 'step',
  pauseRequested: boolean,
  hasBreakpoint: boolean,
): 'step' | 'pause' | 'breakpoint' | undefined {
  if (pauseRequested) return 'pause';
  if (mode === 'step') return 'step';
  if (hasBreakpoint) return 'breakpoint';
  return undefined;
}

/** A failed node takes its error edge when it has one; otherwise the run fails. */
export function hasErrorEdge(outgoingPorts: readonly string[]): boolean {
  return outgoingPorts.includes('error');
}
