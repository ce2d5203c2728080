// @vitest-environment happy-dom
import { act, cleanup, render } from '@testing-library/react';
import { Position, ReactFlowProvider } from '@xyflow/react';
import type { EdgeProps } from '@xyflow/react';
import { Profiler } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { itemsLabel, RunEdge } from '../../../renderer/canvas/run-edge.tsx';
import { useStore } from '../../../renderer/store/index.ts';
import type { CanvasEdge } from '../../../renderer/store/types.ts';

const renders = new Map<string, number>();

function edgeProps(id: string, y: number): EdgeProps<CanvasEdge> {
  return { id, source: `${id}-from`, target: `${id}-to`, sourceX: 0, sourceY: y, targetX: 200, targetY: y, sourcePosition: Position.Right, targetPosition: Position.Left } as EdgeProps<CanvasEdge>;
}

/** Two edges, each counting its own renders. */
function Edges() {
  return (
    <ReactFlowProvider>
      <svg>
        {['e1', 'e2'].map((id, index) => (
          <Profiler key={id} id={id} onRender={() => renders.set(id, (renders.get(id) ?? 0) + 1)}>
            <RunEdge {...edgeProps(id, index * 50)} />
          </Profiler>
        ))}
      </svg>
    </ReactFlowProvider>
  );
}

function runOf(container: HTMLElement, id: string): string | null {
  return container.querySelector<SVGGElement>(`[data-edge-id="${id}"]`)?.dataset.run ?? null;
}

beforeEach(() => {
  renders.clear();
  useStore.setState({ edgeRun: {} });
});

afterEach(() => cleanup());

describe('run edge', () => {
  it('draws an edge the shown run has not settled as a plain edge, with no run marker', () => {
    const { container } = render(<Edges />);
    expect(container.querySelectorAll('path.react-flow__edge-path')).toHaveLength(2);
    expect(container.querySelector('[data-run]')).toBeNull();
  });

  it('marks taken and dead edges, and labels a forEach edge with its item count', () => {
    const { container } = render(<Edges />);
    act(() => useStore.setState({ edgeRun: { e1: { state: 'taken', items: 3 }, e2: { state: 'dead' } } }));
    expect(runOf(container, 'e1')).toBe('taken');
    expect(runOf(container, 'e2')).toBe('dead');
    expect(container.querySelector('[data-edge-id="e1"]')?.textContent).toBe('3 items');
    expect(container.querySelector('[data-edge-id="e2"]')?.textContent).toBe('');
  });

  it('re-renders only the edge whose run state changed', () => {
    render(<Edges />);
    act(() => useStore.setState({ edgeRun: { e1: { state: 'taken' } } }));
    const before = { e1: renders.get('e1'), e2: renders.get('e2') };
    act(() => useStore.setState({ edgeRun: { e1: useStore.getState().edgeRun.e1!, e2: { state: 'dead' } } }));
    expect(renders.get('e1')).toBe(before.e1);
    expect(renders.get('e2')).toBe((before.e2 ?? 0) + 1);
    act(() => useStore.setState({ nodes: [] }));
    expect(renders.get('e1')).toBe(before.e1);
  });

  it('says one item, or how many', () => {
    expect(itemsLabel(1)).toBe('1 item');
    expect(itemsLabel(0)).toBe('0 items');
    expect(itemsLabel(12)).toBe('12 items');
  });
});
