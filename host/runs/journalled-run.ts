import type { Playbook } from '../../engine/format/playbook.ts';
import { newRunId, startRun } from '../../engine/run/executor.ts';
import type { RunHandle, RunOptions } from '../../engine/run/types.ts';
import type { JournalStore, RunJournal } from '../journal/journal-store.ts';

/** What a run saves beside its journal so `resume` can rebuild the run without its file. */
export interface SavedRunInfo {
  playbookFile: string;
  playbook: Playbook;
  dryRun: boolean;
  fromRunId?: string;
  /** Started in lab mode, so `resume` can say to resume it with `--lab`. */
  lab?: true;
}

/** A started run and its journal, which the caller closes once the run is done. */
export interface JournalledRun {
  handle: RunHandle;
  journal: RunJournal;
}

/**
 * Starts a run under a new id (or `runId`, which a triggered event fixed beforehand: the journal
 * refuses an id that already has one, so it never starts twice) with its journal in `store`
 * (redacting `secrets` as a second net) and `info` saved beside it for `resume`; the journal is
 * closed again when any step throws.
 */
export async function startJournalledRun(
  store: JournalStore,
  secrets: readonly string[],
  info: SavedRunInfo,
  options: Omit<RunOptions, 'runId' | 'journal'>,
  runId: string = newRunId(Date.now()),
): Promise<JournalledRun> {
  const journal = await store.open(runId, { secrets });
  try {
    await store.saveRunInfo(runId, info);
    return { handle: startRun({ ...options, runId, journal }), journal };
  } catch (err) {
    await journal.close();
    throw err;
  }
}
