import { Background, ControlButton, Controls, MiniMap, Panel, ReactFlow, useReactFlow, useStore as useFlowStore, useStoreApi } from '@xyflow/react';
import type { Connection, IsValidConnection, NodeMouseHandler, NodeTypes, OnConnect } from '@xyflow/react';
import type { EdgeTypes } from '@xyflow/react';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { CSSProperties, DragEvent, RefObject } from 'react';
import { useStore } from '../store/index.ts';
import { isTriggerType } from '../store/catalogue-slice.ts';
import { panelAfterPick } from '../store/panel-after-pick.ts';
import type { CanvasEdge, CanvasNode, CatalogueItem } from '../store/types.ts';
import { autoLayout } from './auto-layout.ts';
import { ConnectCommand } from './connect-dialog.tsx';
import { ExportPictureButton } from './export-picture-dialog.tsx';
import { boxSize } from './box-size.ts';
import { withEstimate } from './estimated-handles.ts';
import { boundsOf, firstView, fitViewport } from './first-view.ts';
import type { Box } from './first-view.ts';
import { NoteNode } from './note-node.tsx';
import { NODE_DRAG_TYPE } from './palette.tsx';
import { RunEdge } from './run-edge.tsx';
import { explainRefusedConnection } from './refused-connection.ts';
import { FarContext, PlaybookNode } from './playbook-node.tsx';
import { isZoomedFar, simplifiedLabelPx } from './semantic-zoom.ts';
import { MapLayer } from './map-layer.tsx';
import { namedEdges } from './edge-names.ts';
import { isMapZoom, liveEdges, MAP_MIN_NODES, onMap } from './map-mode.ts';
import { useNodeNames } from './use-node-names.ts';
import { useLiveNodes } from './use-live-nodes.ts';
import { SHORTCUTS, useCanvasShortcuts } from './use-canvas-shortcuts.ts';
import { NEW_NODE_SIZE, useViewportCentre } from './use-viewport-centre.ts';

/** Defined once: a new object per render would remount every node. */
const nodeTypes = { playbook: PlaybookNode, note: NoteNode } satisfies NodeTypes;
/** Edges draw the shown run's path (taken, dead, forEach item counts); with no run, as React Flow's default. */
const edgeTypes = { default: RunEdge } satisfies EdgeTypes;
const multiSelectionKeys = ['Meta', 'Control', 'Shift'];
const MIN_ZOOM = 0.05;
const fitViewOptions = { padding: 0.15, maxZoom: 1.25 };
/** The simplified node's name size, for the CSS (`.sb-node-far-name`). */
const canvasStyle = { '--sb-far-label': `${simplifiedLabelPx()}px` } as CSSProperties;
/** Above this many nodes only the visible ones are rendered, at any zoom (React Flow's performance guide). */
const VISIBLE_ONLY_THRESHOLD = 400;
const NO_NODES: CanvasNode[] = [];
const NO_EDGES: CanvasEdge[] = [];

const isValidConnection: IsValidConnection<CanvasEdge> = (connection) => useStore.getState().connectionProblem(connection) === undefined;

const onConnect: OnConnect = (connection: Connection) => {
  useStore.getState().connect(connection);
};

/**
 * A click on the node already selected changes no selection, so the store does not see it as
 * a pick: bring the node back into view in the side panel here (React Flow selects before this runs).
 */
const onNodeClick: NodeMouseHandler<CanvasNode> = (_event, node) => {
  const state = useStore.getState();
  if (node.type === 'playbook' && state.selectedNodeId === node.id) state.setPanel(panelAfterPick(state.panel, 'clicked'));
};

const onNodeDoubleClick: NodeMouseHandler<CanvasNode> = (_event, node) => {
  if (node.type !== 'playbook') return;
  const state = useStore.getState();
  state.select(node.id);
  state.setPanel('inspector');
};

/** Each edge as drawn far out, from the node's one output handle: made once per edge object. */
const farEdgeCache = new WeakMap<CanvasEdge, CanvasEdge>();

function fromOneHandle(edge: CanvasEdge): CanvasEdge {
  let far = farEdgeCache.get(edge);
  if (far === undefined) {
    far = { ...edge, sourceHandle: null };
    farEdgeCache.set(edge, far);
  }
  return far;
}

function miniMapColour(node: CanvasNode): string {
  return node.type === 'note' ? 'var(--sb-note)' : 'var(--sb-minimap-node)';
}

/**
 * Background, controls, minimap and toolbar: one element made once, so the canvas re-rendering
 * on every drag frame passes React the same element and none of them re-renders.
 */
const decorations = (
  <>
    <Background gap={24} />
    <Controls aria-label="Zoom controls" showFitView={false}>
      <FitViewButton />
    </Controls>
    <MiniMap pannable zoomable nodeColor={miniMapColour} ariaLabel="Minimap of the playbook" />
    <Panel position="top-left">
      <CanvasToolbar />
    </Panel>
  </>
);

/**
 * The playbook canvas: React Flow fed from the graph slice. Handlers are module-level or stable
 * store actions so React Flow never sees a new callback; run status is read by each node
 * itself, so a run never touches the node array. Dragging a node does not select it (a click
 * does), so a drag never makes the inspector re-render mid-gesture. A big playbook zoomed out to a
 * map is drawn by MapLayer, React Flow displaying only its live nodes (map-mode.ts).
 */
export function FlowCanvas() {
  const wrapper = useRef<HTMLDivElement>(null);
  const shown = useViewportFirst(wrapper);
  const storeNodes = useStore((s) => s.nodes);
  const storeEdges = useStore((s) => s.edges);
  const far = useFlowStore(isZoomedFar);
  const names = useNodeNames(storeNodes);
  const namedStoreEdges = useMemo(() => namedEdges(storeEdges, names), [storeEdges, names]);
  const farEdges = useMemo(() => (far ? namedStoreEdges.map(fromOneHandle) : namedStoreEdges), [far, namedStoreEdges]);
  const cull = storeNodes.length > VISIBLE_ONLY_THRESHOLD;
  const actionsByType = useStore((s) => s.actionsByType);
  const map = useFlowStore(isMapZoom) && storeNodes.length > MAP_MIN_NODES;
  const { live, onPointerMove, onPointerLeave } = useLiveNodes(map, storeNodes);
  // Culling: nodes not measured yet go to React Flow with an estimated size and handles, or it would draw them all once.
  const flowNodes = useMemo(() => {
    const sized = cull ? storeNodes.map((node) => withEstimate(node, actionsByType)) : storeNodes;
    return map ? sized.map((node) => onMap(node, live)) : sized;
  }, [cull, map, live, storeNodes, actionsByType]);
  const flowEdges = useMemo(() => (map ? liveEdges(farEdges, live) : farEdges), [map, live, farEdges]);
  const nodes = shown ? flowNodes : NO_NODES;
  const edges = shown ? flowEdges : NO_EDGES;
  const theme = useStore((s) => s.theme);
  const onNodesChange = useStore((s) => s.applyNodeChanges);
  const onEdgesChange = useStore((s) => s.applyEdgeChanges);
  const addNode = useStore((s) => s.addNode);
  const flow = useReactFlow<CanvasNode, CanvasEdge>();
  useCanvasShortcuts(wrapper);
  useReveal();

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(NODE_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(NODE_DRAG_TYPE);
      if (type === '') return;
      event.preventDefault();
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      addNode(type, { x: at.x - NEW_NODE_SIZE.width / 2, y: at.y - NEW_NODE_SIZE.height / 2 });
    },
    [flow, addNode],
  );

  return (
    <div
      className="sb-canvas"
      ref={wrapper}
      style={canvasStyle}
      data-testid="canvas"
      data-map={map ? 'true' : undefined}
      onDragOver={onDragOver}
      onDrop={onDrop}
      onPointerMove={map ? onPointerMove : undefined}
      onPointerLeave={map ? onPointerLeave : undefined}
    >
      <FarContext.Provider value={far}>
        <ReactFlow<CanvasNode, CanvasEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onConnectEnd={explainRefusedConnection}
          onNodeClick={onNodeClick}
          onNodeDoubleClick={onNodeDoubleClick}
          zoomOnDoubleClick={false}
          isValidConnection={isValidConnection}
          colorMode={theme}
          minZoom={MIN_ZOOM}
          maxZoom={2.5}
          selectNodesOnDrag={false}
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={multiSelectionKeys}
          onlyRenderVisibleElements={cull}
          aria-label="Playbook canvas"
        >
          {decorations}
          {map ? <MapLayer live={live} /> : null}
        </ReactFlow>
      </FarContext.Provider>
    </div>
  );
}

/**
 * When a playbook is loaded (or the canvas mounts on one), sets its first view (first-view.ts:
 * the whole graph when that stays legible, else the trigger) from the layout, before its nodes
 * are first drawn, so a big playbook is drawn once, at the zoom (and level of detail) it will be
 * seen at. Returns false for that one render in between. "Fit view" stays in the zoom controls.
 */
function useViewportFirst(wrapper: RefObject<HTMLDivElement | null>): boolean {
  const loadSeq = useStore((s) => s.loadSeq);
  const [shownSeq, setShownSeq] = useState<number | undefined>(undefined);
  const [retry, setRetry] = useState(0);
  const flowStore = useStoreApi<CanvasNode, CanvasEdge>();
  const { setViewport } = useReactFlow();
  useLayoutEffect(() => {
    if (shownSeq === loadSeq) return;
    const flow = flowStore.getState();
    if (flow.panZoom === null && retry < 10) {
      // React Flow sets up panning and zooming in an effect; wait a frame for it.
      const frame = requestAnimationFrame(() => setRetry((count) => count + 1));
      return () => cancelAnimationFrame(frame);
    }
    const pane = {
      width: flow.width > 0 ? flow.width : (wrapper.current?.clientWidth ?? 0),
      height: flow.height > 0 ? flow.height : (wrapper.current?.clientHeight ?? 0),
    };
    const { nodes, actionsByType } = useStore.getState();
    const view = firstView(layoutBoxes(nodes, actionsByType), pane);
    if (view !== undefined) void setViewport(view.viewport);
    setShownSeq(loadSeq);
    return undefined;
  }, [loadSeq, shownSeq, retry, flowStore, setViewport, wrapper]);
  return shownSeq === loadSeq;
}

/** The nodes' and notes' boxes at their layout positions, sized as measured or as the CSS will draw them. */
function layoutBoxes(nodes: readonly CanvasNode[], actionsByType: Record<string, CatalogueItem>): Box[] {
  return nodes.map((node) => ({
    x: node.position.x,
    y: node.position.y,
    ...boxSize(node, actionsByType),
    trigger: node.type === 'playbook' && isTriggerType(node.data.node.type, actionsByType[node.data.node.type]?.action),
  }));
}

/**
 * Shows the whole graph. React Flow's own fitView waits until every node has been measured, which
 * a culled node never is (estimated-handles.ts), so this fits the layout boxes instead: measured
 * where drawn, estimated from the CSS elsewhere.
 */
function useFitWhole(): (duration?: number) => void {
  const flowStore = useStoreApi<CanvasNode, CanvasEdge>();
  const { setViewport } = useReactFlow();
  return useCallback(
    (duration?: number) => {
      const { width, height } = flowStore.getState();
      const { nodes, actionsByType } = useStore.getState();
      const bounds = boundsOf(layoutBoxes(nodes, actionsByType));
      if (bounds === undefined || width <= 0 || height <= 0) return;
      const viewport = fitViewport(bounds, { width, height }, fitViewOptions.padding, fitViewOptions.maxZoom, MIN_ZOOM);
      void setViewport(viewport, duration === undefined ? undefined : { duration });
    },
    [flowStore, setViewport],
  );
}

/** The zoom controls' "Fit View", fitting the layout (see useFitWhole). */
function FitViewButton() {
  const fitWhole = useFitWhole();
  return (
    <ControlButton className="react-flow__controls-fitview" onClick={() => fitWhole()} title="Fit View" aria-label="Fit View">
      <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 30" aria-hidden="true">
        <path d="M3.692 4.63c0-.53.4-.938.939-.938h5.215V0H4.708C2.13 0 0 2.054 0 4.63v5.216h3.692V4.631zM27.354 0h-5.2v3.692h5.17c.53 0 .984.4.984.939v5.215H32V4.631A4.624 4.624 0 0027.354 0zm.954 24.83c0 .532-.4.94-.939.94h-5.215v3.768h5.215c2.577 0 4.631-2.13 4.631-4.707v-5.139h-3.692v5.139zm-23.677.94c-.531 0-.939-.4-.939-.94v-5.138H0v5.139c0 2.577 2.13 4.707 4.708 4.707h5.138V25.77H4.631z" />
      </svg>
    </ControlButton>
  );
}

/** Centres the node the inspector asked to reveal (a problem clicked, a timeline entry). */
function useReveal(): void {
  const reveal = useStore((s) => s.reveal);
  const { getInternalNode, setCenter, getZoom } = useReactFlow();
  useEffect(() => {
    if (reveal === undefined) return;
    const node = getInternalNode(reveal.nodeId);
    if (node === undefined) return;
    const { x, y } = node.internals.positionAbsolute;
    const width = node.measured.width ?? NEW_NODE_SIZE.width;
    const height = node.measured.height ?? NEW_NODE_SIZE.height;
    void setCenter(x + width / 2, y + height / 2, { zoom: Math.max(getZoom(), 1), duration: 300 });
  }, [reveal, getInternalNode, setCenter, getZoom]);
}

/** Undo, redo, auto-layout and notes; the keyboard shortcuts are listed in the help. */
function CanvasToolbar() {
  const canUndo = useStore((s) => s.canUndo);
  const canRedo = useStore((s) => s.canRedo);
  const undo = useStore((s) => s.undo);
  const redo = useStore((s) => s.redo);
  const addNote = useStore((s) => s.addNote);
  const applyLayout = useStore((s) => s.applyLayout);
  const notify = useStore((s) => s.notify);
  const centre = useViewportCentre();
  const fitWhole = useFitWhole();
  const [laying, setLaying] = useState(false);

  const layout = async () => {
    setLaying(true);
    try {
      const { nodes, edges, actionsByType } = useStore.getState();
      applyLayout(await autoLayout(nodes, edges, actionsByType));
      fitWhole(300);
    } catch (error) {
      notify('error', `Auto-layout failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setLaying(false);
    }
  };

  return (
    <div className="sb-toolbar" role="toolbar" aria-label="Canvas tools">
      <button type="button" onClick={undo} disabled={!canUndo} title="Undo (Ctrl/⌘ Z)">
        Undo
      </button>
      <button type="button" onClick={redo} disabled={!canRedo} title="Redo (Ctrl/⌘ Shift Z)">
        Redo
      </button>
      <button type="button" onClick={() => void layout()} disabled={laying} title="Arrange the nodes left to right (one undo step)">
        {laying ? 'Arranging…' : 'Auto-layout'}
      </button>
      <button type="button" onClick={() => addNote(centre(), '')} title="Add a sticky note in the middle of the view">
        Add note
      </button>
      <ConnectCommand />
      <ExportPictureButton />
      <details className="sb-shortcuts">
        <summary>Keys</summary>
        <dl>
          {SHORTCUTS.map(([keys, what]) => (
            <div key={keys}>
              <dt>{keys}</dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </details>
    </div>
  );
}
