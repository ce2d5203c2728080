import { describe, expect, it } from 'vitest';
import {
  DETAIL_LABEL_PX,
  LABELLED_MIN_ZOOM,
  MIN_LEGIBLE_PX,
  SIMPLIFIED_BELOW_ZOOM,
  drawsSimplified,
  legibleFromZoom,
  simplifiedLabelPx,
} from '../../../renderer/canvas/semantic-zoom.ts';
import { FIRST_VIEW } from '../../../renderer/canvas/first-view.ts';

describe('legibleFromZoom', () => {
  it('is the zoom at which a font size shows at the legible size on screen', () => {
    expect(legibleFromZoom(22, 11)).toBe(0.5);
    expect(legibleFromZoom(11, 11)).toBe(1);
  });

  it('refuses a font size that is not positive', () => {
    expect(() => legibleFromZoom(0)).toThrow(/labelPx/);
  });
});

describe('drawsSimplified', () => {
  it('draws detail exactly while a detailed name reads at least the legible size', () => {
    expect(drawsSimplified(SIMPLIFIED_BELOW_ZOOM)).toBe(false);
    expect(DETAIL_LABEL_PX * SIMPLIFIED_BELOW_ZOOM).toBeCloseTo(MIN_LEGIBLE_PX);
    expect(drawsSimplified(SIMPLIFIED_BELOW_ZOOM - 0.01)).toBe(true);
    expect(drawsSimplified(1)).toBe(false);
  });
});

describe('simplifiedLabelPx', () => {
  it('keeps the simplified name legible down to the lowest labelled zoom', () => {
    const px = simplifiedLabelPx();
    expect(px * LABELLED_MIN_ZOOM).toBeGreaterThanOrEqual(MIN_LEGIBLE_PX);
    expect((px - 1) * LABELLED_MIN_ZOOM).toBeLessThan(MIN_LEGIBLE_PX);
  });

  it('opens every playbook in full detail, and keeps names legible from there down to the lowest labelled zoom', () => {
    for (const zoom of [FIRST_VIEW.minLegibleZoom, FIRST_VIEW.startZoom, FIRST_VIEW.maxZoom]) expect(drawsSimplified(zoom)).toBe(false);
    const zooms = [FIRST_VIEW.minLegibleZoom, SIMPLIFIED_BELOW_ZOOM - 0.01, 0.5, LABELLED_MIN_ZOOM, FIRST_VIEW.startZoom, FIRST_VIEW.maxZoom];
    for (const zoom of zooms) {
      const px = drawsSimplified(zoom) ? simplifiedLabelPx() : DETAIL_LABEL_PX;
      expect(px * zoom).toBeGreaterThanOrEqual(MIN_LEGIBLE_PX);
    }
  });

  it('refuses a zoom that is not above 0', () => {
    expect(() => simplifiedLabelPx(0)).toThrow(/lowestZoom/);
  });
});
