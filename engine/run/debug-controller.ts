import type { RunApprovals } from './approvals.ts';
import type { DebugGate } from './debug-gate.ts';
import type { DebugController } from './types.ts';

/** The analyst's handle on a run (DESIGN.md §6): commands to its pause gate, approvals and stop. */
export function debugController(gate: DebugGate, approvals: RunApprovals, stop: (reason: string) => void): DebugController {
  return {
    pause: () => {
      gate.pauseRequested = true;
    },
    step: () => void gate.resume({ action: 'step' }),
    continue: () => void gate.resume({ action: 'continue' }),
    skip: (output, port) => void gate.resume({ action: 'skip', output, ...(port ? { port } : {}) }),
    resolveUnknown: (choice, output, port) =>
      gate.resume(choice === 'mark-done' ? { action: 'mark-done', output, ...(port ? { port } : {}) } : { action: choice }),
    override: (input) => gate.override(input),
    setBreakpoints: (ids) => {
      gate.breakpoints = new Set(ids);
    },
    inspect: () => gate.paused,
    decide: (nodeId, decision, by, comment) => approvals.decide(nodeId, decision, by, comment),
    stop: (reason) => stop(reason ?? 'stopped by the analyst'),
  };
}
