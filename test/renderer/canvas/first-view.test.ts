import { describe, expect, it } from 'vitest';
import { FIRST_VIEW, boundsOf, firstView, fitViewport } from '../../../renderer/canvas/first-view.ts';
import type { Box } from '../../../renderer/canvas/first-view.ts';

const PANE = { width: 1000, height: 600 };

function node(x: number, y: number, trigger = false): Box {
  return { x, y, width: 220, height: 120, trigger };
}

/** A row of `count` nodes 300 px apart, the first a trigger. */
function row(count: number, y = 0): Box[] {
  return Array.from({ length: count }, (_, i) => node(i * 300, y, i === 0));
}

/** Where a flow point lands on screen under a viewport. */
function onScreen(view: { x: number; y: number; zoom: number }, point: { x: number; y: number }) {
  return { x: view.x + point.x * view.zoom, y: view.y + point.y * view.zoom };
}

describe('boundsOf', () => {
  it('is the smallest box around every box', () => {
    expect(boundsOf([node(0, 0), node(500, -40)])).toEqual({ x: 0, y: -40, width: 720, height: 160 });
  });

  it('is undefined for no boxes', () => {
    expect(boundsOf([])).toBeUndefined();
  });
});

describe('fitViewport', () => {
  it('centres the bounds in the pane, limited by the tighter side', () => {
    const view = fitViewport({ x: 0, y: 0, width: 2000, height: 200 }, PANE, 0, 2);
    expect(view.zoom).toBe(0.5);
    expect(onScreen(view, { x: 1000, y: 100 })).toEqual({ x: 500, y: 300 });
  });

  it('does not zoom out past minZoom, and then centres the middle of the graph', () => {
    const view = fitViewport({ x: 0, y: 0, width: 100_000, height: 100_000 }, PANE, 0, 1, 0.05);
    expect(view.zoom).toBe(0.05);
    expect(onScreen(view, { x: 50_000, y: 50_000 })).toEqual({ x: 500, y: 300 });
  });

  it('does not zoom in past maxZoom', () => {
    expect(fitViewport({ x: 0, y: 0, width: 100, height: 50 }, PANE, 0.15, 1.25).zoom).toBe(1.25);
  });
});

describe('firstView', () => {
  it('fits a small graph whose fitted zoom stays legible', () => {
    const view = firstView(row(3), PANE)!;
    expect(view.kind).toBe('fit');
    expect(view.viewport.zoom).toBeGreaterThanOrEqual(FIRST_VIEW.minLegibleZoom);
    expect(view.viewport).toEqual(fitViewport(boundsOf(row(3))!, PANE, FIRST_VIEW.padding, FIRST_VIEW.maxZoom));
  });

  it('starts at the trigger, at full detail, when fitting would shrink the text below legible', () => {
    const boxes = [...row(12), ...row(12, 600)].map((box, i) => ({ ...box, trigger: i === 0 }));
    const fitted = fitViewport(boundsOf(boxes)!, PANE, FIRST_VIEW.padding, FIRST_VIEW.maxZoom);
    expect(fitted.zoom).toBeLessThan(FIRST_VIEW.minLegibleZoom);

    const view = firstView(boxes, PANE)!;
    expect(view.kind).toBe('start');
    expect(view.viewport.zoom).toBe(FIRST_VIEW.startZoom);
    const trigger = onScreen(view.viewport, { x: 0, y: 60 });
    expect(trigger.x).toBe(FIRST_VIEW.startMargin);
    expect(trigger.y).toBe(PANE.height / 2);
  });

  it('starts at the leftmost node when the graph has no trigger', () => {
    const boxes = row(20).map((box) => ({ ...box, trigger: false, x: box.x + 1000 }));
    boxes.push({ ...node(-50, 900), trigger: false });
    const view = firstView(boxes, PANE)!;
    expect(view.kind).toBe('start');
    expect(onScreen(view.viewport, { x: -50, y: 960 })).toEqual({ x: FIRST_VIEW.startMargin, y: PANE.height / 2 });
  });

  it('zooms out, not below the legible zoom, so several triggers all show', () => {
    const boxes = [...row(20), node(0, 450, true)];
    const view = firstView(boxes, PANE)!;
    expect(view.kind).toBe('start');
    expect(view.viewport.zoom).toBeLessThan(FIRST_VIEW.startZoom);
    expect(view.viewport.zoom).toBeGreaterThanOrEqual(FIRST_VIEW.minLegibleZoom);
    const top = onScreen(view.viewport, { x: 0, y: 0 });
    const bottom = onScreen(view.viewport, { x: 0, y: 570 });
    expect(top.y).toBeGreaterThanOrEqual(0);
    expect(bottom.y).toBeLessThanOrEqual(PANE.height);
  });

  it('has no view for an empty graph or a pane not laid out yet', () => {
    expect(firstView([], PANE)).toBeUndefined();
    expect(firstView(row(3), { width: 0, height: 600 })).toBeUndefined();
  });
});
