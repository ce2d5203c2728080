import fs from 'node:fs';
import type { Playbook } from '../../../engine/format/playbook.ts';
import type { NodeRegistry } from '../../../engine/node-type.ts';
import { createBuiltinRegistry } from '../../../nodes/registry.ts';
import { replayEvent, type EventFilter, type EventStatus, type InboxEvent } from '../../triggers/contract.ts';
import { listPgEvents } from '../../team/pg-inbox.ts';
import { InboxBusyError, openInboxStore } from '../../triggers/inbox-store.ts';
import { openPublishState, publishSummary, type PublishState } from '../../triggers/publish-state.ts';
import { describeSchedule, parseSchedule } from '../../triggers/schedules/plan.ts';
import { openWorkspace } from '../../workspace/workspace.ts';
import { parseCommandArgs, resolveWorkspace } from '../args.ts';
import { formatTimestamp, table } from '../format-run.ts';
import { CliError, EXIT_OK, prettyJson } from '../io.ts';
import type { CliIo } from '../io.ts';
import { resolveDatabaseUrl, withTeamDatabase } from '../team-database.ts';

const WORKSPACE_HELP = '  --workspace DIR   the workspace (default: $SWITCHBOARD_WORKSPACE or ./.switchboard)';

/** What `switchboard help enable` prints. */
export const enableUsage = `Usage: switchboard enable PLAYBOOK [--workspace DIR]

Makes the playbook's triggers live (webhooks, schedules, pollers) at its published revision;
a playbook never published is published first. A running host picks it up within a second.
${WORKSPACE_HELP}
`;

/** What `switchboard help disable` prints. */
export const disableUsage = `Usage: switchboard disable PLAYBOOK [--workspace DIR]

Stops the playbook's triggers. Events already queued for it are rejected, not run.
${WORKSPACE_HELP}
`;

/** What `switchboard help publish` prints. */
export const publishUsage = `Usage: switchboard publish PLAYBOOK [--workspace DIR]

Makes the saved revision the one live triggers run. Until then, edits are a draft the triggers
never see. A playbook with errors is refused.
${WORKSPACE_HELP}
`;

/** What `switchboard help triggers` prints. */
export const triggersUsage = `Usage: switchboard triggers [--workspace DIR] [--json]

Lists every playbook's triggers: enabled or not, the published revision (and whether a draft
waits), and each trigger's webhook path or schedule. Live health (last event, failures) is
shown by the running host's editor.
${WORKSPACE_HELP}
  --json            print them as JSON
`;

const STATUSES: readonly EventStatus[] = ['accepted', 'duplicate', 'rejected', 'queued', 'running', 'done', 'failed'];

/** What `switchboard help events` prints. */
export const eventsUsage = `Usage: switchboard events [--playbook ID] [--status S] [--limit N] [--workspace DIR | --database URL] [--json]

Lists the event inbox, newest first: each event's id, playbook, source, status, when it
arrived, its run and how many duplicates it absorbed.
  --playbook ID     only this playbook's events
  --status S        only events in status S (${STATUSES.join(', ')})
  --limit N         at most N events (default 50, most 1000)
${WORKSPACE_HELP}
  --database URL    a team server's inbox instead, in PostgreSQL (postgres://…)
  --json            print the events (with payloads) as JSON
`;

/** What `switchboard help replay` prints. */
export const replayUsage = `Usage: switchboard replay EVENT_ID [--workspace DIR]

Records a new event replaying EVENT_ID (same playbook revision and payload, marked as a
replay); it runs once when the host starts. While a host runs, replay from its Events view.
${WORKSPACE_HELP}
`;

/** The workspace the command works on; one line when it does not exist (a typo must not create one). */
function existingWorkspace(command: string, flag: string | undefined, io: CliIo): string {
  const dir = resolveWorkspace(flag, io);
  if (!fs.existsSync(dir)) throw new CliError(`${command}: no workspace at ${dir} (see --workspace)`);
  return dir;
}

function onePlaybook(command: string, positionals: readonly string[]): string {
  const [id] = positionals;
  if (positionals.length !== 1 || id === undefined) throw new CliError(`${command}: give exactly one playbook id (see switchboard help ${command})`);
  return id;
}

async function openState(dir: string, registry: NodeRegistry): Promise<PublishState> {
  return openPublishState(await openWorkspace(dir, registry), registry);
}

/** A command that changes one playbook's trigger state (`enable`, `disable`, `publish`). */
function stateCommand(command: 'enable' | 'disable' | 'publish') {
  return async (argv: readonly string[], io: CliIo, registry: NodeRegistry = createBuiltinRegistry()): Promise<number> => {
    const { values, positionals } = parseCommandArgs(argv, { workspace: { type: 'string' } }, command);
    const id = onePlaybook(command, positionals);
    const state = await openState(existingWorkspace(command, values.workspace, io), registry);
    const after = await state[command](id).catch((err: unknown) => {
      throw new CliError(`${command}: ${err instanceof Error ? err.message : String(err)}`);
    });
    const revision = after.publishedRevision === undefined ? 'never published' : `published revision ${after.publishedRevision}`;
    io.stdout.write(`${id}: ${after.enabled ? 'enabled' : 'disabled'}, ${revision}\n`);
    return EXIT_OK;
  };
}

/** `switchboard enable PLAYBOOK`. */
export const enableCommand = stateCommand('enable');
/** `switchboard disable PLAYBOOK`. */
export const disableCommand = stateCommand('disable');
/** `switchboard publish PLAYBOOK`. */
export const publishCommand = stateCommand('publish');

/** What a trigger node listens to, in a few words: the webhook path or the schedule. */
function describeTrigger(type: string, params: Record<string, unknown>): string {
  if (type === 'trigger.webhook@1') return `${typeof params['method'] === 'string' ? params['method'] : 'POST'} /hooks/${String(params['path'])}`;
  if (type === 'trigger.schedule@1') {
    try {
      return describeSchedule(parseSchedule(params));
    } catch (err) {
      return `invalid schedule: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return type;
}

function triggerNodes(playbook: Playbook | undefined, registry: NodeRegistry) {
  return (playbook?.nodes ?? [])
    .filter((n) => registry.get(n.type)?.kind === 'trigger' && n.type !== 'trigger.manual@1')
    .map((n) => ({ nodeId: n.id, type: n.type, describe: describeTrigger(n.type, (n.params ?? {}) as Record<string, unknown>) }));
}

/** `switchboard triggers`: each playbook's trigger state and its triggers (of the published revision, else the draft). */
export async function triggersCommand(argv: readonly string[], io: CliIo, registry: NodeRegistry = createBuiltinRegistry()): Promise<number> {
  const { values } = parseCommandArgs(argv, { workspace: { type: 'string' }, json: { type: 'boolean' } }, 'triggers');
  const workspace = await openWorkspace(existingWorkspace('triggers', values.workspace, io), registry);
  const state = await openPublishState(workspace, registry);
  const states = state.states();
  const rows = (await workspace.listPlaybooks()).map((saved) => ({
    ...publishSummary(saved, states[saved.id]),
    triggers: triggerNodes(state.published(saved.id) ?? saved.playbook, registry),
  }));
  if (values.json === true) {
    io.stdout.write(`${prettyJson(rows)}\n`);
    return EXIT_OK;
  }
  const lines = rows.flatMap((row) => {
    const published = row.publishedRevision === undefined ? 'unpublished' : `r${row.publishedRevision}${row.draft ? ' (+draft)' : ''}`;
    const head = [row.playbookId, row.enabled ? 'enabled' : 'disabled', published];
    return row.triggers.length === 0 ? [[...head, '-', 'manual only', '']] : row.triggers.map((t) => [...head, t.nodeId, t.type, t.describe]);
  });
  io.stdout.write(rows.length === 0 ? 'no playbooks\n' : table(['PLAYBOOK', 'STATE', 'PUBLISHED', 'TRIGGER', 'TYPE', 'LISTENS'], lines));
  return EXIT_OK;
}

/** `switchboard events`: the inbox, read without taking it from a running host. */
export async function eventsCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    { workspace: { type: 'string' }, database: { type: 'string' }, json: { type: 'boolean' }, playbook: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' } },
    'events',
  );
  const status = values.status as EventStatus | undefined;
  if (status !== undefined && !STATUSES.includes(status)) throw new CliError(`events: --status must be one of ${STATUSES.join(', ')}, not ${JSON.stringify(status)}`);
  const limit = values.limit === undefined ? 50 : /^[0-9]{1,4}$/.test(values.limit) ? Number(values.limit) : NaN;
  if (!(limit >= 1 && limit <= 1000)) throw new CliError(`events: --limit must be a whole number from 1 to 1000, not ${JSON.stringify(values.limit)}`);
  const filter = { limit, ...(values.playbook !== undefined ? { playbookId: values.playbook } : {}), ...(status !== undefined ? { status } : {}) };
  const events = values.database !== undefined ? await withTeamDatabase(resolveDatabaseUrl(values.database, io, 'events'), (db) => listPgEvents(db, filter)) : await embeddedEvents(filter, values.workspace, io);
  io.stdout.write(values.json === true ? `${prettyJson(events)}\n` : formatEvents(events));
  return EXIT_OK;
}

/** The embedded inbox's events, read without taking it from a running host. */
async function embeddedEvents(filter: EventFilter, workspace: string | undefined, io: CliIo): Promise<InboxEvent[]> {
  const inbox = await openInboxStore(existingWorkspace('events', workspace, io), { readOnly: true });
  try {
    return await inbox.list(filter);
  } finally {
    await inbox.close();
  }
}

/** The events as a table, newest first. */
function formatEvents(events: readonly InboxEvent[]): string {
  if (events.length === 0) return 'no events\n';
  const rows = events.map((e) => [
    e.id,
    e.playbookId,
    e.replayOf !== undefined ? `replay of ${e.replayOf}` : e.source,
    e.error !== undefined ? `${e.status}: ${e.error}` : e.status,
    formatTimestamp(e.receivedAt),
    e.runId ?? (e.duplicateOf !== undefined ? `(duplicate of ${e.duplicateOf})` : '-'),
    String(e.duplicates),
  ]);
  return table(['EVENT', 'PLAYBOOK', 'SOURCE', 'STATUS', 'RECEIVED', 'RUN', 'DUPS'], rows);
}

/** `switchboard replay EVENT_ID`: records the replay; the host runs it when it starts. */
export async function replayCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { workspace: { type: 'string' } }, 'replay');
  const [eventId] = positionals;
  if (positionals.length !== 1 || eventId === undefined) throw new CliError('replay: give exactly one event id (see switchboard events)');
  const inbox = await openInboxStore(existingWorkspace('replay', values.workspace, io)).catch((err: unknown) => {
    if (err instanceof InboxBusyError) throw new CliError(`replay: ${err.message.replace(/^INBOX_BUSY: /, '')}; replay from its editor (Events), or stop it first`);
    throw err;
  });
  try {
    const original = await inbox.get(eventId);
    if (original === undefined) throw new CliError(`replay: no event ${eventId} in the inbox (see switchboard events)`);
    const { event } = await inbox.accept(replayEvent(original, Date.now()));
    io.stdout.write(`${event.id}: replay of ${original.id} recorded; it runs when the host starts (switchboard serve or start)\n`);
  } finally {
    await inbox.close();
  }
  return EXIT_OK;
}
