import type { Connection, Edge, EdgeChange, Node, NodeChange } from '@xyflow/react';
import type { Playbook, PlaybookNode } from '../../engine/format/playbook.ts';
import type { NodeStatus, RunEvent, UnknownOutcomeChoice } from '../../engine/run/events.ts';
import type { RunState } from '../../engine/run/types.ts';
import type { EdgeRun } from './replay-edges.ts';
import type { Replay } from './replay.ts';
import type { Problem } from '../../engine/validate/problems.ts';
import type { CatalogueAction, CatalogueEntry } from '../../host/protocol/catalogue.ts';
import type { CredentialView, HostInfo, LatestRun, ParamsOf, PlaybookSummary, ResultOf, RunSummary, SlotBinding } from '../../host/protocol/contract.ts';

/**
 * The renderer's store is one zustand store made of slices, each in its own file. This file is
 * the agreement between them: a slice may read any other slice's state through `get()`, but only
 * changes its own. Node run status lives in `RunSlice.nodeStatus`, apart from the canvas nodes,
 * so a run's events re-render only the nodes whose status changed.
 */

/** Data of a canvas node: the playbook node itself (params etc.), kept whole. */
export type CanvasNodeData = { node: PlaybookNode } & Record<string, unknown>;
export type CanvasNode = Node<CanvasNodeData, 'playbook'> | Node<{ text: string; color?: string }, 'note'>;
export type CanvasEdge = Edge<{ port: string }>;

/** graph-slice.ts: the playbook being edited, as React Flow nodes and edges, with undo/redo. */
export interface GraphSlice {
  /** The open playbook's file-level fields (id, name, credentials, vars…); nodes/edges/layout/notes live in `nodes`/`edges`. */
  playbook: Playbook | undefined;
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  selectedNodeId: string | undefined;
  /** Problems of the open playbook (host validation), shown on nodes and in the inspector. */
  problems: Problem[];
  dirty: boolean;
  canUndo: boolean;
  canRedo: boolean;
  /** Rebuilds the whole playbook (nodes, edges, layout, notes) from the canvas. */
  toPlaybook(): Playbook | undefined;
  openPlaybook(id: string): Promise<void>;
  save(): Promise<void>;
  select(nodeId: string | undefined, options?: { reveal?: boolean }): void;
  /** Changes one playbook node (params, name, credential, retry, breakpoint…), undoable. */
  updateNode(nodeId: string, patch: Partial<PlaybookNode>): void;
  addNode(type: string, position: { x: number; y: number }): string;
  undo(): void;
  redo(): void;

  /** Problems by the node they concern (edge problems go to the edge's source), one stable array per node. */
  problemsByNode: Record<string, Problem[]>;
  /** A save is in flight. */
  saving: boolean;
  /** Why the last save failed, as a sentence; cleared by the next successful save. */
  saveError: string | undefined;
  /** Bumped by every `loadPlaybook`, so the canvas fits the view to a newly opened playbook. */
  loadSeq: number;
  /** Set by `select(id, { reveal: true })`: the canvas centres this node (seq makes repeats visible). */
  reveal: { nodeId: string; seq: number } | undefined;
  /** Shows a playbook on the canvas (after open, create or import): clears history, selection and dirty. */
  loadPlaybook(playbook: Playbook, problems?: Problem[]): void;
  /** Changes file-level fields (name, description, tags, vars, credential slots), undoable. */
  updatePlaybook(patch: Partial<Pick<Playbook, 'name' | 'description' | 'tags' | 'vars' | 'credentials'>>): void;
  addNote(position: { x: number; y: number }, text?: string): string;
  updateNote(noteId: string, patch: { text?: string; color?: string }): void;
  /** React Flow's node changes: moves and resizes become one undo step when the gesture ends. */
  applyNodeChanges(changes: NodeChange<CanvasNode>[]): void;
  applyEdgeChanges(changes: EdgeChange<CanvasEdge>[]): void;
  /** Why a connection is refused (unknown port, into a trigger, self-loop, duplicate), or undefined when valid. */
  connectionProblem(connection: Connection | CanvasEdge): string | undefined;
  /** Adds the edge when valid; returns whether it did. */
  connect(connection: Connection): boolean;
  deleteSelection(): void;
  selectAll(): void;
  /** The selected nodes and the edges between them as a `fragment@1` JSON text (also kept in memory). */
  copySelection(): string | undefined;
  /** Pastes a fragment (or the one copied last): nodes get fresh ids and an offset; returns the new ids. */
  paste(text?: string): string[];
  /** Moves nodes to the given positions as one undo step (auto-layout). */
  applyLayout(positions: Record<string, { x: number; y: number }>): void;
}

/** catalogue-slice.ts: connectors and their actions from the host. */
export interface CatalogueSlice {
  catalogue: CatalogueEntry[];
  loadCatalogue(): Promise<void>;
  /** Every action by node type (`virustotal.url_report@1`): stable objects, safe to return from a selector. */
  actionsByType: Record<string, CatalogueItem>;
  catalogueStatus: 'idle' | 'loading' | 'ready' | 'error';
}

/** One node type of the catalogue with the connector it belongs to. */
export interface CatalogueItem {
  connector: CatalogueEntry;
  action: CatalogueAction;
}

/** run-slice.ts: the run shown on the canvas (live or replayed from history). */
export interface RunSlice {
  runId: string | undefined;
  run: RunState | undefined;
  /** Status per node id; absent means idle. Updated once per animation frame from events. */
  nodeStatus: Record<string, NodeStatus>;
  /** Nodes of the shown run that called a lab twin (the LAB badge); kept the same object while unchanged. */
  nodeLab: Record<string, true>;
  /** Recent events of the shown run, for the timeline (bounded). */
  timeline: RunEvent[];
  /** How the shown run went along each edge (taken or dead), by edge id; absent while not settled. Same object while unchanged. */
  edgeRun: Record<string, EdgeRun>;
  /** A finished run's whole journal and the event the canvas shows it at (the scrubber); undefined while live. */
  replay: Replay | undefined;
  /** Outputs pinned per node id for the next runs. */
  pins: Record<string, { output: unknown; port?: string }>;
  /** True from the click on Run until the host has answered, so the buttons cannot double-start. */
  starting: boolean;
  startRun(options: { mode: 'run' | 'step'; dryRun: boolean; trigger?: unknown; from?: { runId: string; nodeId: string } }): Promise<void>;
  control(action: 'pause' | 'step' | 'continue' | 'stop'): Promise<void>;
  /** Skips the paused node; with an output (and port) downstream nodes read that instead. */
  skip(output?: unknown, port?: string): Promise<void>;
  /** Replaces the paused node's resolved input before it runs. */
  override(input: unknown): Promise<void>;
  /**
   * Decides a write the run paused on as `unknown-outcome` (an earlier run sent it, its answer was
   * never recorded): send it again with the same idempotency key, mark it done with `output`, or fail it.
   */
  resolveUnknown(choice: UnknownOutcomeChoice, output?: unknown, port?: string): Promise<void>;
  /** Answers a waiting approval; the comment is journalled with the decision. */
  decide(nodeId: string, decision: 'approved' | 'rejected', comment?: string): Promise<void>;
  openRun(runId: string): Promise<void>;
  /** Forgets the shown run (another playbook was opened). */
  clearRun(): void;
  /** Pins a node's output: the given one, or its output in the shown run when none is given. */
  pin(nodeId: string, output?: unknown, port?: string): void;
  unpin(nodeId: string): void;
  /** Sends the canvas breakpoints to the live run, after one was toggled during it. */
  syncBreakpoints(): Promise<void>;
  /** Applies events that arrived from the host (buffered; flushed per animation frame). */
  receive(event: RunEvent): void;
  /** Subscribes to `run.event` (idempotent; startRun and openRun do too) and, the first time, re-attaches to a run still going. Returns the unsubscribe. */
  initRunEvents(): () => void;
  /** Shows the replayed run as it stood after `cursor` events (1…n): canvas, statuses and timeline follow. */
  scrubTo(cursor: number): void;
  /** When no run is shown, shows the newest live or paused run of the open playbook, if any (after a reload or reconnect). */
  reattach(): Promise<void>;
}

/** workspace-slice.ts: playbooks, credentials, run history and host facts. */
export interface WorkspaceSlice {
  host: HostInfo | undefined;
  playbooks: PlaybookSummary[];
  credentials: CredentialView[];
  runs: RunSummary[];
  /** The newest run of each playbook (`runs.latest`), for home: small however long the history. */
  lastRuns: LatestRun[];
  slots: SlotBinding[];
  /** The Lab toggle: runs started from the editor run in lab mode. Kept in the workspace settings. */
  labMode: boolean;
  /** Turns lab mode on or off and remembers it in the workspace. */
  setLabMode(on: boolean): Promise<void>;
  refreshPlaybooks(): Promise<void>;
  refreshCredentials(): Promise<void>;
  refreshRuns(): Promise<void>;
  refreshLastRuns(): Promise<void>;
  /** Reads the host facts and the workspace settings (lab mode). */
  loadHost(): Promise<void>;
  /** Keeps the lists fresh on `playbooks.changed` / `credentials.changed` (idempotent). Returns the unsubscribe. */
  initWorkspaceEvents(): () => void;
  /** Creates an empty playbook and returns its id. */
  createPlaybook(name: string): Promise<string>;
  renamePlaybook(id: string, name: string): Promise<void>;
  /** Copies a playbook and returns the copy's id. */
  duplicatePlaybook(id: string, name?: string): Promise<string>;
  deletePlaybook(id: string): Promise<void>;
  /** Binds a playbook's credential slot to a stored credential (null unbinds). */
  bindSlot(playbookId: string, slot: string, credentialId: string | null): Promise<void>;
  /** Secret fields left out of `values` keep their stored value (write-only). */
  saveCredential(credential: { id?: string; name: string; connector: string; values: Record<string, unknown> }): Promise<CredentialView>;
  deleteCredential(id: string): Promise<void>;
}

/** One inbox event as the host sends it (`events.list`, `inbox.event`). */
export type InboxEventView = ResultOf<'events.get'>['event'];
/** One playbook's enabled/published state and its triggers' health (`triggers.list`). */
export type PlaybookTriggersView = ResultOf<'triggers.list'>['playbooks'][number];
/** The Events view's filters (unset: any). */
export type EventsFilter = Omit<NonNullable<NonNullable<ParamsOf<'events.list'>>['filter']>, 'limit' | 'before'>;

/** triggers-slice.ts: publish/enable state, trigger health and the event inbox, kept live. */
export interface TriggersSlice {
  triggerStates: PlaybookTriggersView[];
  /** The inbox under `eventsFilter`, newest first (bounded). */
  events: InboxEventView[];
  eventsFilter: EventsFilter;
  eventsLoading: boolean;
  refreshTriggers(): Promise<void>;
  /** Enables (publishing first when never published) or disables a playbook's live triggers. */
  setTriggersEnabled(playbookId: string, enabled: boolean): Promise<void>;
  /** Makes the saved revision the one live triggers run. */
  publishPlaybook(playbookId: string): Promise<void>;
  /** Reads the inbox under `filter` (default: the current one) and keeps that filter for live frames. */
  refreshEvents(filter?: EventsFilter): Promise<void>;
  /** Records a replay of an event (it runs once, as any event) and returns it. */
  replayEvent(eventId: string): Promise<InboxEventView>;
  /** Applies one `inbox.event` frame. */
  receiveInboxEvent(event: InboxEventView): void;
  /** Subscribes to `inbox.event` (idempotent). Returns the unsubscribe. */
  initInboxEvents(): () => void;
}

/** UI preferences: theme, the view shown and which side panel is open. */
export interface UiSlice {
  theme: 'light' | 'dark';
  /** Home (the workspace's playbooks) or the editor; loading a playbook switches to the editor. */
  view: 'home' | 'editor';
  panel: 'inspector' | 'run' | 'history' | 'triggers' | 'credentials' | 'playbooks';
  toast: { kind: 'info' | 'error'; text: string } | undefined;
  /** The question an in-app confirmation dialog is asking, if any (see `confirm`). */
  dialog: { message: string; confirmLabel: string } | undefined;
  setTheme(theme: 'light' | 'dark'): void;
  toggleTheme(): void;
  setPanel(panel: UiSlice['panel']): void;
  /** Shows home or the editor as it is (leaving the editor with unsaved changes is guarded by the caller). */
  setView(view: UiSlice['view']): void;
  notify(kind: 'info' | 'error', text: string): void;
  dismissToast(): void;
  /** Asks in an accessible dialog (not window.confirm, which headless browsers dismiss); true when confirmed. */
  confirm(message: string, confirmLabel: string): Promise<boolean>;
  /** Answers the open confirmation dialog. */
  answerDialog(confirmed: boolean): void;
}

export type AppState = GraphSlice & CatalogueSlice & RunSlice & WorkspaceSlice & TriggersSlice & UiSlice;
