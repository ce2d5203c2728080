import { describe, expect, it } from 'vitest';
import { boxSize } from '../../../renderer/canvas/box-size.ts';
import { estimatedHandles, withEstimate } from '../../../renderer/canvas/estimated-handles.ts';
import { indexCatalogue, portsOf } from '../../../renderer/store/catalogue-slice.ts';
import { fromPlaybook } from '../../../renderer/store/playbook-to-canvas.ts';
import type { CanvasNode } from '../../../renderer/store/types.ts';
import { catalogue, nodeById, samplePlaybook } from '../catalogue-fixture.ts';

const actionsByType = indexCatalogue(catalogue);
const { nodes } = fromPlaybook(samplePlaybook());

const node = (id: string): CanvasNode => nodeById(nodes, id);

describe('estimatedHandles', () => {
  it('puts the input on the left, centred, and one output per port, in order, in rows up from the bottom', () => {
    const handles = estimatedHandles(node('route'), actionsByType, 160);
    const input = handles.find((handle) => handle.type === 'target')!;
    expect(input.position).toBe('left');
    expect(input.y + input.height! / 2).toBe(80);
    const outputs = handles.filter((handle) => handle.type === 'source');
    expect(outputs.map((handle) => handle.id)).toEqual(portsOf(actionsByType['core.switch@1']?.action, node('route').type === 'playbook' ? node('route').data.node.params : {}));
    expect(outputs.map((handle) => handle.id).slice(0, 2)).toEqual(['malicious', 'clean']);
    expect(outputs.every((handle) => handle.position === 'right')).toBe(true);
    const ys = outputs.map((handle) => handle.y);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    const last = outputs[outputs.length - 1]!;
    expect(last.y + last.height!).toBeLessThanOrEqual(160);
  });

  it('gives a trigger no input', () => {
    expect(estimatedHandles(node('start'), actionsByType, 100).map((handle) => handle.type)).toEqual(['source']);
  });
});

describe('withEstimate', () => {
  it('gives an unmeasured node the size box-size.ts estimates and its handles, the same object each time', () => {
    const route = node('route');
    const estimate = withEstimate(route, actionsByType);
    const size = boxSize(route, actionsByType);
    expect(estimate).toMatchObject({ id: 'route', initialWidth: size.width, initialHeight: size.height });
    expect(estimate.handles).toEqual(estimatedHandles(route, actionsByType, size.height));
    expect(estimate.width).toBeUndefined();
    expect(withEstimate(route, actionsByType)).toBe(estimate);
    expect(route.handles).toBeUndefined();
  });

  it('passes a measured node through untouched, so React Flow keeps the handles it measured', () => {
    const measured = { ...node('route'), measured: { width: 220, height: 141 } };
    expect(withEstimate(measured, actionsByType)).toBe(measured);
  });
});
