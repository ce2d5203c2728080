import type { Edge, Node } from '@xyflow/react';
import type { Playbook, PlaybookNode } from '../../engine/format/playbook.ts';
import type { NodeStatus, RunEvent } from '../../engine/run/events.ts';
import type { RunState } from '../../engine/run/types.ts';
import type { Problem } from '../../engine/validate/problems.ts';
import type { CatalogueEntry } from '../../nodes/sdk/catalogue.ts';
import type { CredentialView, HostInfo, PlaybookSummary, RunSummary, SlotBinding } from '../../host/protocol/contract.ts';

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
  select(nodeId: string | undefined): void;
  /** Changes one playbook node (params, name, credential, retry, breakpoint…), undoable. */
  updateNode(nodeId: string, patch: Partial<PlaybookNode>): void;
  addNode(type: string, position: { x: number; y: number }): string;
  undo(): void;
  redo(): void;
}

/** catalogue-slice.ts: connectors and their actions from the host. */
export interface CatalogueSlice {
  catalogue: CatalogueEntry[];
  loadCatalogue(): Promise<void>;
}

/** run-slice.ts: the run shown on the canvas (live or replayed from history). */
export interface RunSlice {
  runId: string | undefined;
  run: RunState | undefined;
  /** Status per node id; absent means idle. Updated once per animation frame from events. */
  nodeStatus: Record<string, NodeStatus>;
  /** Recent events of the shown run, for the timeline (bounded). */
  timeline: RunEvent[];
  /** Outputs pinned per node id for the next runs. */
  pins: Record<string, { output: unknown; port?: string }>;
  startRun(options: { mode: 'run' | 'step'; dryRun: boolean; trigger?: unknown; from?: { runId: string; nodeId: string } }): Promise<void>;
  control(action: 'pause' | 'step' | 'continue' | 'stop'): Promise<void>;
  skip(output?: unknown): Promise<void>;
  decide(nodeId: string, decision: 'approved' | 'rejected'): Promise<void>;
  openRun(runId: string): Promise<void>;
  /** Applies events that arrived from the host (buffered; flushed per animation frame). */
  receive(event: RunEvent): void;
}

/** workspace-slice.ts: playbooks, credentials, run history and host facts. */
export interface WorkspaceSlice {
  host: HostInfo | undefined;
  playbooks: PlaybookSummary[];
  credentials: CredentialView[];
  runs: RunSummary[];
  slots: SlotBinding[];
  refreshPlaybooks(): Promise<void>;
  refreshCredentials(): Promise<void>;
  refreshRuns(): Promise<void>;
}

/** UI preferences: theme and which side panel is open. */
export interface UiSlice {
  theme: 'light' | 'dark';
  panel: 'inspector' | 'run' | 'history' | 'credentials' | 'playbooks';
  toast: { kind: 'info' | 'error'; text: string } | undefined;
  setTheme(theme: 'light' | 'dark'): void;
  setPanel(panel: UiSlice['panel']): void;
  notify(kind: 'info' | 'error', text: string): void;
}

export type AppState = GraphSlice & CatalogueSlice & RunSlice & WorkspaceSlice & UiSlice;
