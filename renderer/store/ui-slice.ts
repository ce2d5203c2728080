import type { StateCreator } from 'zustand';
import type { AppState, UiSlice } from './types.ts';

/** localStorage key of the chosen theme. */
export const THEME_KEY = 'switchboard.theme';
/** How long an info toast stays; errors stay until dismissed or replaced. */
const INFO_TOAST_MS = 4_000;

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

/** The remembered theme, else the system's preference. */
export function initialTheme(): UiSlice['theme'] {
  const saved = storage()?.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  const prefersDark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  return prefersDark ? 'dark' : 'light';
}

/** Puts the theme on `<html data-theme>`, where the stylesheets' variables key off it. */
function applyTheme(theme: UiSlice['theme']): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.theme = theme;
}

/** The view a page load starts on: the editor for a playbook link (`?playbook=<id>`), else home. */
export function initialView(search: string | undefined = typeof location === 'undefined' ? undefined : location.search): UiSlice['view'] {
  return search !== undefined && new URLSearchParams(search).has('playbook') ? 'editor' : 'home';
}

/** UI preferences, which view is shown, and the app-wide toast and confirmation dialog. */
export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get, api) => {
  const theme = initialTheme();
  applyTheme(theme);
  let toastTimer: ReturnType<typeof setTimeout> | undefined;
  let answer: ((confirmed: boolean) => void) | undefined;

  // Every flow that loads a playbook (open, create, import, a run from history) shows it in the editor.
  api.subscribe((state, previous) => {
    if (state.loadSeq !== previous.loadSeq && state.view !== 'editor') set({ view: 'editor' });
  });

  return {
    theme,
    view: initialView(),
    panel: 'inspector',
    toast: undefined,
    dialog: undefined,

    setTheme(next) {
      applyTheme(next);
      storage()?.setItem(THEME_KEY, next);
      set({ theme: next });
    },

    toggleTheme() {
      get().setTheme(get().theme === 'dark' ? 'light' : 'dark');
    },

    setPanel(panel) {
      set({ panel });
    },

    setView(view) {
      set({ view });
    },

    notify(kind, text) {
      if (toastTimer !== undefined) clearTimeout(toastTimer);
      toastTimer = kind === 'info' ? setTimeout(() => get().dismissToast(), INFO_TOAST_MS) : undefined;
      set({ toast: { kind, text } });
    },

    dismissToast() {
      if (toastTimer !== undefined) clearTimeout(toastTimer);
      toastTimer = undefined;
      set({ toast: undefined });
    },

    confirm(message, confirmLabel) {
      answer?.(false);
      set({ dialog: { message, confirmLabel } });
      return new Promise<boolean>((resolve) => {
        answer = resolve;
      });
    },

    answerDialog(confirmed) {
      const resolve = answer;
      answer = undefined;
      set({ dialog: undefined });
      resolve?.(confirmed);
    },
  };
};
