import type { Playbook } from '../../engine/format/playbook.ts';
import type { Problem } from '../../engine/validate/problems.ts';
import { rpc } from '../rpc/index.ts';

/** Quiet time after an edit before the host re-validates the playbook. */
const VALIDATE_DELAY_MS = 400;

/** Where re-validation reads the playbook and the state's identity, and where its problems go. */
export interface RevalidationPorts {
  playbook(): Playbook | undefined;
  /** The identity of the state shown (history seq): an answer for an older state is dropped. */
  seq(): number;
  apply(problems: Problem[]): void;
}

/** Schedules and cancels the host's validation of the playbook being edited. */
export interface Revalidation {
  /** Validates once edits have been quiet for a moment (each call restarts the wait). */
  schedule(): void;
  cancel(): void;
}

/**
 * Validation while editing, debounced so typing in a field costs one host round trip, and
 * advisory: a failed call is ignored (saving reports problems again).
 */
export function createRevalidation(ports: RevalidationPorts): Revalidation {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const validate = async (): Promise<void> => {
    const playbook = ports.playbook();
    if (playbook === undefined) return;
    const at = ports.seq();
    try {
      const { problems } = await rpc.call('playbooks.validate', { playbook });
      if (ports.seq() === at) ports.apply(problems);
    } catch {
      // Advisory: the next edit or the save validates again.
    }
  };
  return {
    schedule() {
      clearTimeout(timer);
      timer = setTimeout(() => void validate(), VALIDATE_DELAY_MS);
    },
    cancel() {
      clearTimeout(timer);
    },
  };
}
