import { newControlToken } from './control-guard.ts';
import { startTwin, type RunningTwin, type TwinDefinition } from './twin.ts';

/** The twins of a lab, running: each on its own 127.0.0.1 port, all behind one control token. */
export interface RunningTwins {
  twins: RunningTwin<unknown>[];
  /** The bearer token every twin's control API (`/_lab/…`) asks for; one per lab start. */
  controlToken: string;
  reset(): void;
  close(): Promise<void>;
}

/**
 * Starts every twin on 127.0.0.1 (ports picked by the OS unless `basePort` is given), closing
 * those already started if one fails. Which connector each twin stands in for is the host's
 * business (host/lab/): a twin is written from the vendor's reference, never from connector code.
 */
export async function startTwins(definitions: readonly TwinDefinition<unknown>[], options: { basePort?: number } = {}): Promise<RunningTwins> {
  const twins: RunningTwin<unknown>[] = [];
  const controlToken = newControlToken();
  try {
    for (const [i, definition] of definitions.entries()) {
      twins.push(await startTwin(definition, options.basePort ? options.basePort + i : 0, { controlToken }));
    }
  } catch (err) {
    await Promise.all(twins.map((t) => t.close()));
    throw err;
  }
  return {
    twins,
    controlToken,
    reset: () => twins.forEach((t) => t.reset()),
    close: async () => {
      await Promise.all(twins.map((t) => t.close()));
    },
  };
}
