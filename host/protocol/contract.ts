import * as z from 'zod';
import type { Playbook } from '../../engine/format/playbook.ts';
import type { RunEvent } from '../../engine/run/events.ts';
import type { RunState } from '../../engine/run/types.ts';
import type { Problem } from '../../engine/validate/problems.ts';
import type { CatalogueEntry } from './catalogue.ts';
import type { InboxEvent } from '../triggers/contract.ts';
import type { PlaybookTriggerState } from '../triggers/publish-state.ts';
import type { PlaybookTriggers } from '../triggers/trigger-service.ts';
import { MAX_PLAYBOOK_BYTES } from './limits.ts';

/**
 * The one contract between the renderer and the host (DESIGN.md §1), whatever the transport
 * (WebSocket in the browser, MessagePort in Electron). Params are zod schemas: the host
 * validates every incoming message against them. Results are typed for the client; the host
 * builds them itself. Adding a method touches this file and its handler; forgetting the
 * handler fails `tsc` (see `host/protocol/handlers.ts`).
 */

const id = z.string().min(1).max(200);

/** Longest display name ("Your name", recorded on approvals). */
export const MAX_DISPLAY_NAME = 100;
/** A playbook arrives as plain JSON: the host validates it with the playbook schema itself. */
const playbookJson = z.record(z.string(), z.unknown());

export interface PlaybookSummary {
  id: string;
  name: string;
  description: string;
  revision: number;
  tags: string[];
  nodeCount: number;
  updatedAt: number;
  /** Credential slots of the playbook and whether each is bound to a stored credential. */
  slots: SlotBinding[];
  /** Validation errors of the saved file (0: it can run), so the list can mark broken playbooks. */
  errorCount?: number;
}

export interface SlotBinding {
  slot: string;
  connector: string;
  credentialId: string | null;
}

/** A stored credential as the renderer may see it: secret fields only say whether they are set. */
export interface CredentialView {
  id: string;
  name: string;
  connector: string;
  /** Non-secret values as stored; each secret field is `{ set: boolean }`, never its value. */
  fields: Record<string, unknown>;
  secretFields: string[];
  updatedAt: number;
  /** Seeded for the lab: runs fill in the live lab twins' URLs, and it only works while the lab runs. */
  lab?: boolean;
}

export interface RunSummary {
  runId: string;
  playbookId: string;
  playbookName: string;
  status: RunState['status'];
  mode: RunState['mode'];
  dryRun: boolean;
  startedAt: number;
  durationMs?: number;
  trigger: unknown;
  lastCompletedNodeId?: string;
  error?: RunState['error'];
  /** The run was started in lab mode. */
  lab?: true;
  /** Nodes whose credential pointed at a lab twin (in lab mode, or bound to a lab credential). */
  labNodes?: string[];
}

/** A playbook's newest run as `runs.latest` tells it: the summary without the trigger event. */
export type LatestRun = Omit<RunSummary, 'trigger' | 'labNodes'>;

/** Per-workspace editor settings, kept in the workspace's `settings.json`. */
export interface WorkspaceSettings {
  /** The editor's Lab toggle: its runs start in lab mode. Off by default, so the lab is never used by accident. */
  labMode: boolean;
  /**
   * Destinations runs may reach besides the public internet (a SIEM on the LAN): CIDR ranges,
   * addresses, host names or `*.domain`, each optionally with `:port`. Absent: none.
   */
  egress?: { allow: string[] };
  /** "Your name": who approvals are recorded as when nobody is signed in (instead of the OS account). */
  displayName?: string;
}

export interface HostInfo {
  version: string;
  workspace: string;
  /** How the vault key is protected: the UI says so plainly when it is not. */
  vault: { protection: 'safe-storage' | 'key-file' | 'environment' | 'plain-text-fallback'; detail: string };
  lab: { running: boolean; twins: Array<{ id: string; name: string; url: string }> };
  /** Team mode: who is signed in on this connection, and what their role lets the editor offer. */
  user?: { name: string; role: 'viewer' | 'analyst' | 'approver' | 'admin'; may: { edit: boolean; run: boolean; decide: boolean; admin: boolean } };
}

/** Every method: its params schema and (as a phantom type) its result. */
export const methods = {
  'host.info': { params: z.strictObject({}), result: {} as HostInfo },
  'catalogue.list': { params: z.strictObject({}), result: {} as { connectors: CatalogueEntry[] } },

  'playbooks.list': { params: z.strictObject({}), result: {} as { playbooks: PlaybookSummary[] } },
  'playbooks.get': { params: z.strictObject({ id }), result: {} as { playbook: Playbook; problems: Problem[]; slots: SlotBinding[] } },
  'playbooks.create': { params: z.strictObject({ name: z.string().min(1).max(200) }), result: {} as { playbook: Playbook } },
  'playbooks.save': {
    params: z.strictObject({ playbook: playbookJson, expectedRevision: z.number().int().min(0).optional() }),
    result: {} as { playbook: Playbook; problems: Problem[] },
  },
  'playbooks.rename': { params: z.strictObject({ id, name: z.string().min(1).max(200) }), result: {} as { playbook: Playbook } },
  'playbooks.duplicate': { params: z.strictObject({ id, name: z.string().min(1).max(200).optional() }), result: {} as { playbook: Playbook } },
  'playbooks.delete': { params: z.strictObject({ id }), result: {} as { deleted: true } },
  'playbooks.validate': { params: z.strictObject({ playbook: playbookJson }), result: {} as { problems: Problem[] } },
  /** Reads a shared file without saving it: the editor shows its problems and asks for bindings. */
  'playbooks.import': {
    params: z.strictObject({ text: z.string().max(MAX_PLAYBOOK_BYTES), fileName: z.string().max(500) }),
    result: {} as {
      playbook?: Playbook;
      problems: Problem[];
      slots: SlotBinding[];
      /** Set when the workspace already has a playbook with this id: save under a new id, or pass it as expectedRevision to replace. */
      existingRevision?: number;
    },
  },
  /** The file to share: the playbook as saved, never a secret (credentials are slots only). */
  'playbooks.export': { params: z.strictObject({ id }), result: {} as { fileName: string; text: string } },
  'playbooks.bind': {
    params: z.strictObject({ playbookId: id, slot: id, credentialId: id.nullable() }),
    result: {} as { slots: SlotBinding[] },
  },

  'credentials.list': { params: z.strictObject({}), result: {} as { credentials: CredentialView[] } },
  /** Secret fields left out (or undefined) keep their stored value: they are write-only. */
  'credentials.save': {
    params: z.strictObject({ id: id.optional(), name: z.string().min(1).max(200), connector: id, values: z.record(z.string(), z.unknown()) }),
    result: {} as { credential: CredentialView },
  },
  'credentials.delete': { params: z.strictObject({ id }), result: {} as { deleted: true } },

  'settings.get': { params: z.strictObject({}), result: {} as { settings: WorkspaceSettings } },
  /** Changes the settings given and keeps the others. */
  'settings.save': {
    params: z.strictObject({
      labMode: z.boolean().optional(),
      egress: z.strictObject({ allow: z.array(z.string().max(300)).max(500) }).optional(),
      /** Empty clears it. */
      displayName: z.string().trim().max(MAX_DISPLAY_NAME).optional(),
    }),
    result: {} as { settings: WorkspaceSettings },
  },

  /** Puts the host's own lab back at the story's starting state (data, faults, rate limits), as a restart would: runs can be tried again. */
  'lab.reset': { params: z.strictObject({}), result: {} as { twins: number } },

  'runs.start': {
    params: z.strictObject({
      playbookId: id,
      trigger: z.unknown().optional(),
      mode: z.enum(['run', 'step']).default('run'),
      dryRun: z.boolean().default(false),
      breakpoints: z.array(id).max(10_000).default([]),
      pins: z.record(z.string(), z.strictObject({ output: z.unknown(), port: z.string().optional() })).default({}),
      /** "Run from here": re-run `nodeId` and everything after it, reusing `runId`'s other outputs. */
      from: z.strictObject({ runId: id, nodeId: id }).optional(),
      /** Lab mode: unbound credential slots resolve to the lab's twins. Off, an unbound slot refuses the run. */
      lab: z.boolean().default(false),
    }),
    result: {} as { runId: string },
  },
  'runs.control': {
    params: z.discriminatedUnion('action', [
      z.strictObject({ runId: id, action: z.literal('pause') }),
      z.strictObject({ runId: id, action: z.literal('step') }),
      z.strictObject({ runId: id, action: z.literal('continue') }),
      z.strictObject({ runId: id, action: z.literal('stop') }),
      z.strictObject({ runId: id, action: z.literal('skip'), output: z.unknown().optional(), port: z.string().optional() }),
      z.strictObject({ runId: id, action: z.literal('override'), input: z.unknown() }),
      /** A write of unknown outcome (the run paused as `unknown-outcome`): send it again with its original key. */
      z.strictObject({ runId: id, action: z.literal('resend') }),
      /** ... or record it as done with the output the analyst saw at the vendor. */
      z.strictObject({ runId: id, action: z.literal('mark-done'), output: z.unknown().optional(), port: z.string().optional() }),
      /** ... or fail it (its error edge runs, if it has one). */
      z.strictObject({ runId: id, action: z.literal('fail') }),
      z.strictObject({ runId: id, action: z.literal('breakpoints'), nodeIds: z.array(id).max(10_000) }),
    ]),
    result: {} as { ok: boolean },
  },
  'runs.decide': {
    params: z.strictObject({ runId: id, nodeId: id, decision: z.enum(['approved', 'rejected']), comment: z.string().max(2_000).optional() }),
    result: {} as { ok: boolean },
  },
  'runs.list': { params: z.strictObject({ playbookId: id.optional() }), result: {} as { runs: RunSummary[] } },
  /** The newest run of each playbook (home's "last run" column), newest first: one small line per playbook, not the history. */
  'runs.latest': { params: z.strictObject({}), result: {} as { runs: LatestRun[] } },
  /** A run's whole journal: opening a past run replays these events on the canvas. */
  'runs.get': { params: z.strictObject({ runId: id }), result: {} as { state: RunState; events: RunEvent[] } },
  /** Runs still going in this host (running or paused), newest first: a reloaded editor re-attaches to one. */
  'runs.active': { params: z.strictObject({ playbookId: id.optional() }), result: {} as { runs: RunSummary[] } },

  /**
   * A schedule trigger's params (the draft's, as edited) described and planned: the editor shows
   * its next fire times before it is published. INVALID_PARAMS names the bad field.
   */
  'triggers.schedulePreview': {
    params: z.strictObject({ params: z.record(z.string(), z.unknown()), count: z.number().int().min(1).max(20).optional() }),
    result: {} as { describe: string; nextFires: number[] },
  },
  /** Makes a playbook's triggers live at its published revision (publishing the saved one when none is). */
  'triggers.enable': { params: z.strictObject({ playbookId: id }), result: {} as PlaybookTriggerState },
  /** Stops a playbook's triggers at once; queued events of it are rejected, running ones finish. */
  'triggers.disable': { params: z.strictObject({ playbookId: id }), result: {} as PlaybookTriggerState },
  /** Makes the saved revision the one the live triggers run (INVALID_PLAYBOOK when it has errors). */
  'triggers.publish': { params: z.strictObject({ playbookId: id }), result: {} as PlaybookTriggerState },
  /** Every playbook's enabled/published state, draft flag and its triggers' health. */
  'triggers.list': { params: z.strictObject({}).default({}), result: {} as { playbooks: PlaybookTriggers[] } },
  /** The event inbox, newest first. */
  'events.list': {
    params: z
      .strictObject({
        filter: z
          .strictObject({
            playbookId: id.optional(),
            status: z.enum(['accepted', 'duplicate', 'rejected', 'queued', 'running', 'done', 'failed']).optional(),
            source: z.enum(['webhook', 'schedule', 'poll', 'manual', 'replay']).optional(),
            limit: z.number().int().min(1).max(1000).optional(),
            before: id.optional(),
          })
          .default({}),
      })
      .default({ filter: {} }),
    result: {} as { events: InboxEvent[] },
  },
  'events.get': { params: z.strictObject({ eventId: id }), result: {} as { event: InboxEvent } },
  /** Records a new event replaying `eventId` (same revision and payload, `replayOf` set); it runs once, as any event. */
  'events.replay': { params: z.strictObject({ eventId: id }), result: {} as { event: InboxEvent } },
} as const;

export type MethodName = keyof typeof methods;
export type ParamsOf<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type ParsedParamsOf<M extends MethodName> = z.output<(typeof methods)[M]['params']>;
export type ResultOf<M extends MethodName> = (typeof methods)[M]['result'];

/** Events the host pushes to every connected client. */
export const events = {
  'run.event': z.custom<RunEvent>(),
  'playbooks.changed': z.strictObject({ id: z.string().optional() }),
  'credentials.changed': z.strictObject({}),
  /** Every committed change of the event inbox (a new event, a status change): the Events view's live feed. */
  'inbox.event': z.custom<InboxEvent>(),
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** Wire frames. Requests carry a client-chosen id that the response echoes. */
export const RequestFrame = z.strictObject({ id: z.number().int().min(0), method: z.string().max(100), params: z.unknown().optional() });
export type RequestFrame = z.infer<typeof RequestFrame>;
export type ResponseFrame = { id: number; result: unknown } | { id: number | null; error: { code: string; message: string } };
export type EventFrame = { event: EventName; payload: unknown };
export type ServerFrame = ResponseFrame | EventFrame;

/** Error codes a response can carry. */
export type ProtocolErrorCode = 'BAD_FRAME' | 'UNKNOWN_METHOD' | 'INVALID_PARAMS' | 'NOT_FOUND' | 'CONFLICT' | 'INVALID_PLAYBOOK' | 'FORBIDDEN' | 'FAILED';
