import path from 'node:path';
import { resumePlan } from '../../../engine/journal/recovery.ts';
import type { NodeRegistry } from '../../../engine/node-type.ts';
import { formatProblem, hasErrors } from '../../../engine/validate/problems.ts';
import { createBuiltinRegistry } from '../../../nodes/registry.ts';
import { loadPlaybook } from '../../../engine/format/load.ts';
import { createJournalStore, isSafeRunId } from '../../journal/journal-store.ts';
import type { SavedRunInfo } from '../../runs/journalled-run.ts';
import { parseCommandArgs, resolveWorkspace, splitList } from '../args.ts';
import { CliError, EXIT_INVALID } from '../io.ts';
import type { CliIo } from '../io.ts';
import { createPlaybookResolver, SHIPPED_PLAYBOOKS } from '../playbook-files.ts';
import { runSession } from '../run-session.ts';
import { approvalsFlag, checkBreakpoints, cliEgress, RUN_OPTIONS, runCredentials, slotsBound, unknownFlag } from './run.ts';

/** What `switchboard help resume` prints. */
export const resumeUsage = `Usage: switchboard resume RUN_ID [options]

Continues an interrupted (or failed, or stopped) run as a new run: nodes that already
succeeded or were skipped keep their recorded outputs (marked reused); the others, and
everything downstream of them, run again with the original trigger event.
  --workspace DIR     where the runs are journalled (default: $SWITCHBOARD_WORKSPACE or ./.switchboard)
  --credentials FILE  the credential slots, as for run (secrets are never journalled)
  --lab               lab mode, as for run: a fresh lab, every slot bound to its twin
  --dry-run, --step, --breakpoint ID, --json   as for run
  --approve, --reject, --comment TEXT          approvals, as for run
  --unknown POLICY    a write (not idempotent) that the earlier run sent and never recorded an
                      answer for may or may not have acted. It is never sent again unasked:
                        fail    fail the node, UNKNOWN_OUTCOME (the default, for unattended use)
                        resend  send it again with the same idempotency key as the first time
                        ask     ask in the terminal: [r]esend, [d]one (then a line of JSON
                                output, empty for null), [f]ail, [i]nspect, [q]uit
                      Completed forEach items are never sent again. The journal records the choice.
Exit 0 when the resumed run succeeded, 1 when it failed, 2 when the run cannot be resumed.
`;

/** `switchboard resume RUN_ID`: reruns what a killed or failed run left undone. */
export async function resumeCommand(argv: readonly string[], io: CliIo, registry: NodeRegistry = createBuiltinRegistry()): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, RUN_OPTIONS, 'resume');
  const unknownOutcome = unknownFlag(values.unknown);
  const runId = positionals[0];
  if (positionals.length !== 1 || runId === undefined) throw new CliError('resume: give exactly one run id (see switchboard runs)');
  if (!isSafeRunId(runId)) throw new CliError(`resume: ${JSON.stringify(runId)} is not a run id`);
  const workspace = resolveWorkspace(values.workspace, io);
  const store = createJournalStore(workspace);

  const stored = await store.readRun(runId).catch((err: unknown) => {
    throw new CliError(`resume: ${err instanceof Error ? err.message : String(err)}`);
  });
  const previous = stored.state;
  if (previous === undefined) throw new CliError(`resume: run ${runId} has no run.started event; nothing to resume`);
  if (stored.live) throw new CliError(`resume: run ${runId} is still running in another process`);
  if (previous.status === 'succeeded') throw new CliError(`resume: run ${runId} already succeeded; nothing to resume`);

  const info = (await store.readRunInfo(runId).catch(() => undefined)) as SavedRunInfo | undefined;
  if (info?.playbook === undefined) throw new CliError(`resume: run ${runId} has no saved playbook (was it started by switchboard run?)`);
  const { playbook, problems } = loadPlaybook(JSON.stringify(info.playbook), registry);
  for (const problem of problems) io.stderr.write(`${formatProblem(problem, `${runId} (saved playbook)`)}\n`);
  if (playbook === undefined || hasErrors(problems)) return EXIT_INVALID;

  const plan = resumePlan(previous, playbook);
  const { credentials, secrets, lab } = await runCredentials(values, playbook, registry, io, 'resume');
  try {
    if (!(await slotsBound(playbook, credentials, values.lab === true, new Set(plan.reused), io, `${runId} (saved playbook)`))) return EXIT_INVALID;
    return await runSession(
      {
        playbook,
        playbookFile: info.playbookFile,
        registry,
        trigger: previous.trigger,
        dryRun: values['dry-run'] === true || info.dryRun,
        mode: values.step === true ? 'step' : 'run',
        breakpoints: checkBreakpoints(splitList(values.breakpoint), playbook),
        credentials,
        secrets,
        lab: values.lab === true,
        egress: await cliEgress(workspace, lab),
        playbooks: createPlaybookResolver(path.dirname(info.playbookFile), [path.join(workspace, 'playbooks'), SHIPPED_PLAYBOOKS], registry),
        workspace,
        json: values.json === true,
        approvals: approvalsFlag(values.approve, values.reject),
        unknownOutcome,
        ...(values.comment === undefined ? {} : { comment: values.comment }),
        reuse: { previous, rerun: plan.rerun },
      },
      io,
    );
  } finally {
    await lab?.close();
  }
}
