import type { PausedAt } from './types.ts';

/** What the analyst chose while the run was paused before a node. */
export type ResumeCommand =
  | { action: 'step' }
  | { action: 'continue' }
  | { action: 'skip'; output?: unknown; port?: string }
  | { action: 'resend' }
  | { action: 'mark-done'; output?: unknown; port?: string }
  | { action: 'fail' }
  | { action: 'stop' };

/**
 * The pause point of a run: the executor waits here before a node when stepping, at a
 * breakpoint or on request; the debug controller's commands release it.
 */
export class DebugGate {
  mode: 'run' | 'step';
  breakpoints: Set<string>;
  pauseRequested = false;
  paused: PausedAt | undefined;
  private release: ((command: ResumeCommand) => void) | undefined;
  private overrideInput: { value: unknown } | undefined;

  constructor(mode: 'run' | 'step', breakpoints: Iterable<string>) {
    this.mode = mode;
    this.breakpoints = new Set(breakpoints);
  }

  /** Waits for a command while paused at `at`. */
  wait(at: PausedAt): Promise<ResumeCommand> {
    this.paused = at;
    this.pauseRequested = false;
    this.overrideInput = undefined;
    return new Promise((resolve) => {
      this.release = resolve;
    });
  }

  /** The input to run the paused node with: the override if the analyst set one. */
  takeInput(resolved: unknown): unknown {
    const chosen = this.overrideInput ? this.overrideInput.value : resolved;
    this.overrideInput = undefined;
    return chosen;
  }

  override(input: unknown): void {
    if (!this.paused) return;
    this.overrideInput = { value: input };
    this.paused = { ...this.paused, input };
  }

  /** Releases the pause; `step` keeps the run in step mode, `continue` leaves it. */
  resume(command: ResumeCommand): boolean {
    const release = this.release;
    if (!release) return false;
    // A write of unknown outcome takes only its own three choices (and stop); step or skip would guess.
    if (command.action !== 'stop' && (this.paused?.reason === 'unknown-outcome') !== isUnknownChoice(command)) return false;
    if (command.action === 'step') this.mode = 'step';
    if (command.action === 'continue') this.mode = 'run';
    this.release = undefined;
    this.paused = undefined;
    release(command);
    return true;
  }
}

function isUnknownChoice(command: ResumeCommand): boolean {
  return command.action === 'resend' || command.action === 'mark-done' || command.action === 'fail';
}
