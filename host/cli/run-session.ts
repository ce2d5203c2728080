import type { Playbook } from '../../engine/format/playbook.ts';
import type { EgressPolicy, NodeRegistry } from '../../engine/node-type.ts';
import type { CredentialsPort, PlaybookResolver } from '../../engine/ports.ts';
import type { RunEvent, RunMode } from '../../engine/run/events.ts';
import { unknownOutcome } from '../../engine/run/reuse.ts';
import type { RunHandle, RunOptions, RunState } from '../../engine/run/types.ts';
import { createJournalStore } from '../journal/journal-store.ts';
import { readWorkspaceSettings } from '../workspace/settings.ts';
import { startJournalledRun, type SavedRunInfo } from '../runs/journalled-run.ts';
import { formatEventLine, formatRunSummary } from './format-run.ts';
import { createLineReader, EXIT_OK, EXIT_RUN_FAILED, prettyJson } from './io.ts';
import type { CliIo, LineReader, Writer } from './io.ts';

/** What `run` and `resume` hand over once their input is read and checked. */
export interface SessionOptions {
  playbook: Playbook;
  /** Absolute path of the playbook file, kept so `resume` can find sub-playbooks beside it. */
  playbookFile: string;
  registry: NodeRegistry;
  trigger: unknown;
  dryRun: boolean;
  mode: RunMode;
  breakpoints: readonly string[];
  credentials?: CredentialsPort;
  /** Lab mode (`--lab`): recorded on the run, which the output marks [LAB]. */
  lab?: boolean;
  /** Where the run's requests may go beyond the public internet (`cliEgress`). */
  egress?: EgressPolicy;
  /** Secret values known up front, redacted by the journal store as a second net. */
  secrets: readonly string[];
  playbooks: PlaybookResolver;
  workspace: string;
  json: boolean;
  reuse?: RunOptions['reuse'];
  /** How approvals are answered: asked in a terminal, or decided up front (`--approve`/`--reject`). */
  approvals?: 'ask' | 'approve' | 'reject';
  /** `--unknown`: what a resume does with a write of unknown outcome; default `fail`. */
  unknownOutcome?: 'ask' | 'resend' | 'fail';
  /** `--comment`: recorded with every decision; without it a terminal asks for one after y/n. */
  comment?: string;
}

/**
 * A node's line marked `[LAB]` when the node called a lab twin (its `node.started`, or for an
 * instant node its closing event, said so), so a twin's answer never reads as the real vendor's.
 */
function withLabMark(line: string, event: RunEvent, labNodes: ReadonlySet<string>): string {
  if (event.type !== 'node.succeeded' && event.type !== 'node.failed') return line;
  return event.lab === true || labNodes.has(event.nodeId) ? `${line}  [LAB]` : line;
}

/** Exit code of a finished run: 0 when it succeeded, 1 otherwise. */
export function exitCodeOf(state: RunState): number {
  return state.status === 'succeeded' ? EXIT_OK : EXIT_RUN_FAILED;
}

/**
 * Runs a playbook with its journal in the workspace, printing a line per node as events arrive
 * (or the final RunState as JSON), answering pauses and approvals from stdin, stopping on Ctrl-C.
 */
export async function runSession(options: SessionOptions, io: CliIo): Promise<number> {
  const info: SavedRunInfo = { playbookFile: options.playbookFile, playbook: options.playbook, dryRun: options.dryRun };
  if (options.reuse !== undefined) info.fromRunId = options.reuse.previous.runId;
  if (options.lab === true) info.lab = true;
  // Read before the run starts: its events are subscribed to synchronously after the start.
  const approver = await approverName(options.workspace, io.env);
  const { handle, journal } = await startJournalledRun(createJournalStore(options.workspace), options.secrets, info, {
    playbook: options.playbook,
    registry: options.registry,
    trigger: options.trigger,
    mode: options.mode,
    breakpoints: options.breakpoints,
    dryRun: options.dryRun,
    credentials: options.credentials,
    lab: options.lab === true,
    ...(options.egress === undefined ? {} : { egress: options.egress }),
    playbooks: options.playbooks,
    reuse: options.reuse,
    unknownOutcome: options.unknownOutcome ?? 'fail',
  });

  const out: Writer = options.json ? io.stderr : io.stdout;
  const prompts = createPrompts(handle, options, io, out, approver);
  const labNodes = new Set<string>();
  const unsubscribe = handle.subscribe((event) => {
    if (!options.json) {
      if (event.type === 'node.started' && event.lab === true) labNodes.add(event.nodeId);
      const line = formatEventLine(event);
      if (line !== undefined) io.stdout.write(`${withLabMark(line, event, labNodes)}\n`);
    }
    prompts.onEvent(event);
  });
  const onAbort = () => handle.debug.stop('stopped by the user (Ctrl-C)');
  io.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const state = await handle.done;
    await prompts.close();
    await journal.close();
    if (options.json) io.stdout.write(`${prettyJson(state)}\n`);
    else io.stdout.write(`${formatRunSummary(state)}\n`);
    return exitCodeOf(state);
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
    unsubscribe();
    await journal.close();
  }
}

/**
 * Who a terminal's decisions are recorded as: the workspace's display name ("Your name" in the
 * editor's settings), else the OS account. A settings file that cannot be read is not a reason to stop a run.
 */
export async function approverName(workspace: string, env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  const settings = await readWorkspaceSettings(workspace).catch(() => undefined);
  return settings?.displayName ?? env['USER'] ?? env['USERNAME'];
}

/**
 * Who answers an approval: the person at the terminal, else what the command line said, else a
 * rejection, since nobody can approve a destructive step that no one was asked about.
 */
export function approvalPolicy(approvals: 'ask' | 'approve' | 'reject', isTTY: boolean): 'ask' | 'approved' | 'rejected' {
  if (approvals === 'approve') return 'approved';
  if (approvals === 'reject') return 'rejected';
  return isTTY ? 'ask' : 'rejected';
}

/**
 * What the unknown-outcome prompt says was sent: `key <root>:<node>`, or for a forEach the items
 * and their keys, with the earlier run's key root, which a resend uses again.
 */
function sentEarlier(nodeId: string, keyRoot: string, items: readonly number[] | undefined): string {
  if (items === undefined) return `sent by the earlier run, key ${keyRoot}:${nodeId}`;
  return `items ${items.join(', ')} sent by the earlier run, keys ${items.map((i) => `${keyRoot}:${nodeId}:${i}`).join(', ')}`;
}

/**
 * The interactive side of a run: prompts when it pauses before a node and, in a terminal, when an
 * approval waits. Prompts are answered one at a time, in order, from stdin lines.
 */
function createPrompts(handle: RunHandle, options: SessionOptions, io: CliIo, out: Writer, approver: string | undefined) {
  let reader: LineReader | undefined;
  let queue: Promise<void> = Promise.resolve();
  const { playbook, registry } = options;
  const approvals = options.approvals ?? 'ask';
  const typeOf = new Map(playbook.nodes.map((n) => [n.id, n.type]));

  const ask = (question: string): Promise<string | undefined> => {
    out.write(question);
    reader ??= createLineReader(io.stdin);
    return reader.next(io.signal).then((answer) => {
      if (answer !== undefined && !io.isTTY) out.write(`${answer}\n`);
      return answer;
    });
  };
  const enqueue = (task: () => Promise<void>) => {
    queue = queue.then(task).catch((err: unknown) => {
      out.write(`prompt failed: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  };

  const onPause = async (nodeId: string, input: unknown) => {
    const question = `paused before ${nodeId} (${typeOf.get(nodeId) ?? '?'}) — [n]ext [c]ontinue [s]kip [i]nspect [q]uit: `;
    for (;;) {
      const answer = await ask(question);
      if (io.signal?.aborted) return;
      const choice = answer === undefined ? 'c' : answer.trim().toLowerCase().slice(0, 1) || 'n';
      if (answer === undefined) out.write('\n(no more input: continuing)\n');
      if (choice === 'i') {
        out.write(`${prettyJson(handle.debug.inspect()?.input ?? input)}\n`);
        continue;
      }
      if (choice === 'n') handle.debug.step();
      else if (choice === 'c') handle.debug.continue();
      else if (choice === 's') handle.debug.skip();
      else if (choice === 'q') handle.debug.stop('stopped from the step prompt');
      else {
        out.write(`unknown answer ${JSON.stringify(answer)}\n`);
        continue;
      }
      return;
    }
  };

  /** A write the earlier run sent and never recorded an answer for: the analyst decides (`--unknown=ask`). */
  const onUnknown = async (nodeId: string, input: unknown) => {
    const node = playbook.nodes.find((n) => n.id === nodeId);
    const spec = node === undefined ? undefined : registry.get(node.type);
    const previous = options.reuse?.previous;
    const items = spec === undefined ? undefined : unknownOutcome(previous?.nodes[nodeId], spec, node?.forEach !== undefined)?.items;
    const keyRoot = handle.state().keyRoot ?? handle.runId;
    const question = `outcome unknown for ${nodeId} (${sentEarlier(nodeId, keyRoot, items)}) — [r]esend with the same key, [d]one (then a line of JSON output, empty for null), [f]ail, [i]nspect, [q]uit: `;
    for (;;) {
      const answer = await ask(question);
      if (io.signal?.aborted) return;
      const choice = answer?.trim().toLowerCase().slice(0, 1);
      if (answer === undefined) {
        out.write('\n(no more input: failing it, not sent again)\n');
        handle.debug.resolveUnknown('fail');
      } else if (choice === 'i') {
        out.write(`${prettyJson(handle.debug.inspect()?.input ?? input)}\n`);
        continue;
      } else if (choice === 'r') handle.debug.resolveUnknown('resend');
      else if (choice === 'f') handle.debug.resolveUnknown('fail');
      else if (choice === 'q') handle.debug.stop('stopped from the outcome-unknown prompt');
      else if (choice === 'd') {
        const text = await ask('output (one line of JSON, empty for null): ');
        if (io.signal?.aborted) return;
        if (text === undefined) continue;
        let output: unknown = null;
        try {
          if (text.trim() !== '') output = JSON.parse(text) as unknown;
        } catch (err) {
          out.write(`not JSON: ${err instanceof Error ? err.message : String(err)}\n`);
          continue;
        }
        handle.debug.resolveUnknown('mark-done', output);
      } else {
        out.write(`unknown answer ${JSON.stringify(answer)}\n`);
        continue;
      }
      return;
    }
  };

  /** y/n, then a comment unless `--comment` gave one; the evidence was printed with the request's line just before. */
  const onApproval = async (nodeId: string) => {
    for (;;) {
      const answer = await ask(`approve ${nodeId}${approver === undefined ? '' : ` as ${approver}`}? [y/n] `);
      if (answer === undefined || io.signal?.aborted) return;
      const choice = answer.trim().toLowerCase();
      if (choice !== 'y' && choice !== 'n' && choice !== 'yes' && choice !== 'no') continue;
      const comment = options.comment ?? (await ask('comment (optional, Enter for none): '))?.trim();
      if (io.signal?.aborted) return;
      const decided = handle.debug.decide(nodeId, choice.startsWith('y') ? 'approved' : 'rejected', approver, comment || undefined);
      if (!decided) out.write(`approval of ${nodeId} is no longer waiting\n`);
      return;
    }
  };

  return {
    onEvent(event: RunEvent) {
      if (event.type === 'run.paused' && event.reason === 'unknown-outcome') {
        // Under --unknown=resend or fail the run decides at once; only `ask` waits for an answer.
        if (options.unknownOutcome === 'ask') enqueue(() => onUnknown(event.nodeId, event.input));
      } else if (event.type === 'run.paused') enqueue(() => onPause(event.nodeId, event.input));
      else if (event.type === 'approval.requested') {
        const decision = approvalPolicy(approvals, io.isTTY);
        if (decision === 'ask') enqueue(() => onApproval(event.nodeId));
        else {
          out.write(`${decision === 'approved' ? 'approving' : 'rejecting'} ${event.nodeId}: ${approvals === 'ask' ? 'no terminal to ask (use --approve to approve)' : `--${approvals === 'approve' ? 'approve' : 'reject'} given`}\n`);
          handle.debug.decide(event.nodeId, decision, 'switchboard-cli', options.comment);
        }
      }
    },
    /** Ends prompting: unanswered prompts give up, and stdin is released. */
    async close() {
      reader?.close();
      await queue;
    },
  };
}
