import { describe, expect, it } from 'vitest';
import { MAX_PICTURE_NODES, MAX_PICTURE_SIDE, pictureContents, pictureFileName, picturePlan, pictureRefusal, pngPixelRatio } from '../../../renderer/canvas/export-picture.ts';

const nodes = [{ id: 'start' }, { id: 'check_ip', selected: true }, { id: 'ask', selected: true }, { id: 'block' }];
const edges = [
  { id: 'e1', source: 'start', target: 'check_ip' },
  { id: 'e2', source: 'check_ip', target: 'ask' },
  { id: 'e3', source: 'ask', target: 'block' },
];

describe('what a picture holds', () => {
  it('holds every node and edge of the whole graph', () => {
    const contents = pictureContents(nodes, edges, 'graph');
    expect([...(contents?.nodeIds ?? [])]).toEqual(['start', 'check_ip', 'ask', 'block']);
    expect([...(contents?.edgeIds ?? [])]).toEqual(['e1', 'e2', 'e3']);
  });

  it('holds the selected nodes and only the edges between two of them', () => {
    const contents = pictureContents(nodes, edges, 'selection');
    expect([...(contents?.nodeIds ?? [])]).toEqual(['check_ip', 'ask']);
    expect([...(contents?.edgeIds ?? [])]).toEqual(['e2']);
  });

  it('is nothing when nothing is selected', () => {
    expect(pictureContents([{ id: 'start' }], [], 'selection')).toBeUndefined();
    expect(pictureRefusal(0, 'selection')).toBe('select the nodes to draw first');
  });

  it('is refused past the node limit, saying to select a part', () => {
    expect(pictureRefusal(MAX_PICTURE_NODES, 'graph')).toBeUndefined();
    expect(pictureRefusal(5_000, 'graph')).toBe(`a picture holds at most ${MAX_PICTURE_NODES} nodes and this one would hold 5000: select a part of the playbook`);
  });
});

describe('the picture plan', () => {
  it('shows the graph at 100 % with the padding around it, whatever its origin', () => {
    expect(picturePlan({ x: -100, y: 50, width: 400, height: 200 }, 20)).toEqual({ width: 440, height: 240, zoom: 1, transform: 'translate(120px, -30px) scale(1)' });
  });

  it('scales a graph too big for one picture down to the longest side allowed', () => {
    const plan = picturePlan({ x: 0, y: 0, width: 19_968, height: 968 }, 16, 10_000);
    expect(plan.zoom).toBe(0.5);
    expect(plan).toMatchObject({ width: 10_000, height: 500, transform: 'translate(8px, 8px) scale(0.5)' });
  });

  it('draws PNGs at twice the size unless that passes the cap', () => {
    expect(pngPixelRatio(800, 600)).toBe(2);
    expect(pngPixelRatio(MAX_PICTURE_SIDE, 100)).toBe(1);
  });
});

describe('picture file names', () => {
  it('name the playbook, the scope and the run shown', () => {
    expect(pictureFileName('Phishing response', 'graph', 'svg')).toBe('phishing-response.svg');
    expect(pictureFileName('Phishing response', 'selection', 'png', '20261207-190112-3fa9c1')).toBe('phishing-response-selection-run-20261207-190112-3fa9c1.png');
    expect(pictureFileName('!!!', 'graph', 'png')).toBe('playbook.png');
  });
});
