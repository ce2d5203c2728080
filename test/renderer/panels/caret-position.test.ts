import { describe, expect, it } from 'vitest';
import { listPlacement } from '../../../renderer/panels/caret-position.ts';

describe('where the completion list opens', () => {
  const field = { width: 300, height: 28 };

  it('opens under a one-line field, shifted to the {{', () => {
    expect(listPlacement({ top: 6, left: 40, height: 16 }, field, false)).toEqual({ top: 30, left: 40 });
  });

  it('stays wide enough to read when the {{ is near the right edge', () => {
    expect(listPlacement({ top: 6, left: 290, height: 16 }, field, false)).toEqual({ top: 30, left: 80 });
  });

  it('opens under the caret’s line in a multi-line field, never below the field', () => {
    const box = { width: 300, height: 80 };
    expect(listPlacement({ top: 22, left: 12, height: 16 }, box, true)).toEqual({ top: 40, left: 12 });
    expect(listPlacement({ top: 200, left: 12, height: 16 }, box, true)).toEqual({ top: 82, left: 12 });
  });

  it('never opens left of the field when the field is narrower than the list', () => {
    expect(listPlacement({ top: 6, left: 50, height: 16 }, { width: 150, height: 28 }, false)).toEqual({ top: 30, left: 0 });
  });
});
