import { create } from 'zustand';
import { createCatalogueSlice } from './catalogue-slice.ts';
import { createGraphSlice } from './graph-slice.ts';
import { createRunSlice } from './run-slice.ts';
import { createTriggersSlice } from './triggers-slice.ts';
import type { AppState } from './types.ts';
import { createUiSlice } from './ui-slice.ts';
import { createWorkspaceSlice } from './workspace-slice.ts';

/**
 * The renderer's one store, made of the slices in this folder (see `types.ts` for how they
 * share it). Components read it with narrow selectors so each re-renders only for its own data.
 */
export const useStore = create<AppState>()((...a) => ({
  ...createGraphSlice(...a),
  ...createCatalogueSlice(...a),
  ...createRunSlice(...a),
  ...createWorkspaceSlice(...a),
  ...createTriggersSlice(...a),
  ...createUiSlice(...a),
}));

export type { AppState } from './types.ts';
