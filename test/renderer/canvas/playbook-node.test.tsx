// @vitest-environment happy-dom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { ReactFlow, ReactFlowProvider } from '@xyflow/react';
import type { NodeProps, NodeTypes } from '@xyflow/react';
import { Profiler } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FarContext, PlaybookNode } from '../../../renderer/canvas/playbook-node.tsx';
import type { PlaybookFlowNode } from '../../../renderer/canvas/playbook-node.tsx';
import { indexCatalogue } from '../../../renderer/store/catalogue-slice.ts';
import { setMoveScheduler } from '../../../renderer/store/move-batch.ts';
import { useStore } from '../../../renderer/store/index.ts';
import { catalogue, samplePlaybook } from '../catalogue-fixture.ts';

const renders = new Map<string, number>();

/** Counts every commit of each node's subtree, whichever cause (React Flow props or the node's own selectors). */
function CountingNode(props: NodeProps<PlaybookFlowNode>) {
  return (
    <Profiler id={props.id} onRender={(id) => renders.set(id, (renders.get(id) ?? 0) + 1)}>
      <PlaybookNode {...props} />
    </Profiler>
  );
}

const nodeTypes = { playbook: CountingNode } satisfies NodeTypes;

function Canvas() {
  const nodes = useStore((s) => s.nodes).filter((node) => node.type === 'playbook');
  const edges = useStore((s) => s.edges);
  const onNodesChange = useStore((s) => s.applyNodeChanges);
  return (
    <div style={{ width: 1200, height: 800 }}>
      <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} onNodesChange={onNodesChange} />
    </div>
  );
}

function nodeElement(id: string): HTMLElement {
  return screen.getByTestId(`node-${id}`);
}

beforeEach(() => {
  setMoveScheduler((flush) => flush());
  renders.clear();
  useStore.setState({ catalogue, actionsByType: indexCatalogue(catalogue), catalogueStatus: 'ready', nodeStatus: {}, nodeLab: {}, pins: {} });
  useStore.getState().loadPlaybook(samplePlaybook(), [
    { severity: 'error', code: 'PARAM_REQUIRED', message: 'ip is required', nodeId: 'ip_report' },
    { severity: 'warning', code: 'SLOW', message: 'no timeout set', nodeId: 'ip_report' },
  ]);
  render(
    <ReactFlowProvider>
      <Canvas />
    </ReactFlowProvider>,
  );
});

afterEach(() => {
  cleanup();
  setMoveScheduler(undefined);
});

// Nodes stay `visibility: hidden` until React Flow has measured them, which happy-dom never does,
// so markers are found by their label (accessible-name queries skip hidden elements).

describe('playbook node', () => {
  it('shows vendor, action and name, with the node id and status on its root element', () => {
    const node = nodeElement('ip_report');
    expect(node.dataset.nodeId).toBe('ip_report');
    expect(node.dataset.status).toBe('idle');
    expect(node.querySelector('.sb-node-head')?.textContent).toMatch(/^TIVirusTotal/);
    expect(within(node).getByText('IP address report')).toBeTruthy();
    expect(within(node).getByText('IP report')).toBeTruthy();
  });

  it('labels a handle per output port, with a target handle except on triggers', () => {
    const report = nodeElement('ip_report');
    expect(within(report).getByLabelText('port out').classList.contains('source')).toBe(true);
    expect(within(report).getByLabelText('port error')).toBeTruthy();
    expect(within(report).getByLabelText('port in').classList.contains('target')).toBe(true);
    expect(within(report).getByText('error')).toBeTruthy();

    const route = nodeElement('route');
    expect(within(route).getAllByLabelText(/^port (?!in)/).map((handle) => handle.getAttribute('aria-label'))).toEqual([
      'port malicious',
      'port clean',
      'port default',
      'port error',
    ]);

    expect(within(nodeElement('start')).queryByLabelText('port in')).toBeNull();
    expect(within(nodeElement('start')).getByLabelText('port out')).toBeTruthy();
  });

  it('marks validation problems with their count and messages, and breakpoints and pins', () => {
    const marker = within(nodeElement('ip_report')).getByLabelText('2 problems: ip is required; no timeout set');
    expect(marker.getAttribute('role')).toBe('img');
    expect(marker.textContent).toBe('2');
    expect(marker.getAttribute('title')).toBe('ip is required\nno timeout set');
    expect(marker.dataset.severity).toBe('error');
    expect(within(nodeElement('unplaced')).getByLabelText('Breakpoint')).toBeTruthy();
    expect(within(nodeElement('route')).queryByLabelText('Pinned output')).toBeNull();
    act(() => useStore.setState({ pins: { route: { output: { case: 'clean' } } } }));
    expect(within(nodeElement('route')).getByLabelText('Pinned output')).toBeTruthy();
  });

  it('follows the run status from the store, re-rendering only that node', () => {
    renders.clear();
    act(() => useStore.setState({ nodeStatus: { route: 'running' } }));
    expect(nodeElement('route').dataset.status).toBe('running');
    expect(nodeElement('start').dataset.status).toBe('idle');
    expect([...renders.keys()]).toEqual(['route']);

    renders.clear();
    act(() => useStore.setState({ nodeStatus: { route: 'succeeded', start: 'failed' } }));
    expect(nodeElement('route').dataset.status).toBe('succeeded');
    expect(nodeElement('start').dataset.status).toBe('failed');
    expect([...renders.keys()].sort()).toEqual(['route', 'start']);
  });

  it('labels a node a failed or stopped run never ran "not run"', () => {
    act(() => useStore.setState({ nodeStatus: { start: 'failed', route: 'not-run' } }));
    expect(nodeElement('route').dataset.status).toBe('not-run');
    expect(nodeElement('route').querySelector('.sb-node-status')?.textContent).toBe('not run');
    expect(nodeElement('start').querySelector('.sb-node-status')?.textContent).toBe('failed');
  });

  it('shows "outcome unknown" on the node a resumed run paused on for a write it may have sent, re-rendering only that node', () => {
    const run = { runId: 'r2', playbookId: 'triage', playbookName: 'Triage', revision: 1, mode: 'run', dryRun: false, status: 'paused', trigger: {}, startedAt: 1, nodes: {}, approvals: {}, lastSeq: 3 } as const;
    act(() => useStore.setState({ nodeStatus: { ip_report: 'paused' }, run: { ...run, paused: { nodeId: 'route', reason: 'breakpoint', input: {} } } }));
    expect(nodeElement('ip_report').querySelector('.sb-node-status')?.textContent).toBe('paused');
    renders.clear();
    act(() => useStore.setState({ run: { ...run, paused: { nodeId: 'ip_report', reason: 'unknown-outcome', input: {} } } }));
    const status = nodeElement('ip_report').querySelector('.sb-node-status');
    expect(status?.textContent).toBe('outcome unknown');
    expect(status?.getAttribute('title')).toMatch(/^The earlier run sent this request and stopped before the answer was recorded/);
    expect(nodeElement('ip_report').dataset.unknownOutcome).toBe('true');
    expect(nodeElement('route').dataset.unknownOutcome).toBeUndefined();
    expect([...renders.keys()]).toEqual(['ip_report']);
    act(() => useStore.setState({ nodeStatus: { ip_report: 'succeeded' }, run: { ...run, status: 'running' } }));
    expect(nodeElement('ip_report').dataset.unknownOutcome).toBeUndefined();
    expect(nodeElement('ip_report').querySelector('.sb-node-status')?.textContent).toBe('succeeded');
  });

  it('marks a node that called a lab twin LAB, re-rendering only that node', () => {
    expect(within(nodeElement('ip_report')).queryByLabelText('Ran on the lab')).toBeNull();
    renders.clear();
    act(() => useStore.setState({ nodeLab: { ip_report: true } }));
    const badge = within(nodeElement('ip_report')).getByLabelText('Ran on the lab');
    expect(badge.textContent).toBe('LAB');
    expect(badge.getAttribute('title')).toMatch(/called a lab twin, not the real vendor/);
    expect(nodeElement('ip_report').dataset.lab).toBe('true');
    expect(nodeElement('route').dataset.lab).toBeUndefined();
    expect([...renders.keys()]).toEqual(['ip_report']);
  });

  it('re-renders only the node that moves', () => {
    renders.clear();
    act(() => useStore.getState().applyNodeChanges([{ id: 'start', type: 'position', position: { x: 40, y: 40 }, dragging: true }]));
    act(() => useStore.getState().applyNodeChanges([{ id: 'start', type: 'position', position: { x: 80, y: 80 }, dragging: true }]));
    expect([...renders.keys()]).toEqual(['start']);
  });

  it('re-renders only the node whose params change', () => {
    renders.clear();
    act(() => useStore.getState().updateNode('route', { params: { value: 1, cases: ['a'] } }));
    expect([...renders.keys()]).toEqual(['route']);
    expect(within(nodeElement('route')).getByLabelText('port a')).toBeTruthy();
  });

  it('draws far-zoomed nodes as named blocks with one output handle, keeping status and problems', () => {
    cleanup();
    render(
      <ReactFlowProvider>
        <FarContext.Provider value>
          <Canvas />
        </FarContext.Provider>
      </ReactFlowProvider>,
    );
    const node = nodeElement('ip_report');
    expect(node.classList.contains('sb-node-far')).toBe(true);
    expect(node.textContent).toBe('IP report');
    expect(node.dataset.problems).toBe('error');
    expect(within(node).getByLabelText('ports out').classList.contains('source')).toBe(true);
    expect(within(node).getByLabelText('port in')).toBeTruthy();
    act(() => useStore.setState({ nodeStatus: { ip_report: 'failed' } }));
    expect(nodeElement('ip_report').dataset.status).toBe('failed');
  });
});
