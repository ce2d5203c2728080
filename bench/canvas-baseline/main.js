/* global window, document */
// Plain JavaScript (no JSX), so neither the Node tsconfig nor the renderer's takes this page in.
import '@xyflow/react/dist/style.css';
import { ReactFlow, useEdgesState, useNodesState } from '@xyflow/react';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

/**
 * The canvas benchmarks' baseline: React Flow as its quick start shows it, nothing else. Default
 * nodes, controlled state through useNodesState/useEdgesState, fitView (minZoom lowered so a
 * 1,000-node graph fits, as the editor's is). The graph is `graph.json` beside the page, or
 * `?graph=<file>`; `?w=&h=` sizes the canvas like the editor's, so both draw the graph at about
 * the same zoom.
 */
const params = new URLSearchParams(window.location.search);
const size = { width: sizeParam('w', '100vw'), height: sizeParam('h', '100vh') };
const graphFile = params.get('graph') ?? 'graph.json';

function sizeParam(name, fallback) {
  const value = Number(params.get(name));
  return Number.isFinite(value) && value > 0 ? `${value}px` : fallback;
}

function Flow({ graph }) {
  const [nodes, , onNodesChange] = useNodesState(graph.nodes);
  const [edges, , onEdgesChange] = useEdgesState(graph.edges);
  return createElement(
    'div',
    { style: size },
    createElement(ReactFlow, { nodes, edges, onNodesChange, onEdgesChange, fitView: true, minZoom: 0.05 }),
  );
}

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element.');
fetch(`./${graphFile}`)
  .then((response) => response.json())
  .then((graph) => createRoot(root).render(createElement(Flow, { graph })));
