/** Where each skip link puts focus: the first canvas node (else the canvas tools), the open panel's tab. */
const TARGETS = {
  canvas: ['.sb-canvas .react-flow__node[tabindex="0"]', '.sb-canvas [role="toolbar"] button:not(:disabled)'],
  panels: ['.sb-side [role="tab"][aria-selected="true"]', '.sb-side button:not(:disabled)'],
} as const;

/** Moves focus to the first element matching one of `selectors`, in order; returns whether it did. */
export function focusFirst(selectors: readonly string[], root: ParentNode = document): boolean {
  for (const selector of selectors) {
    const element = root.querySelector<HTMLElement>(selector);
    if (element !== null) {
      element.focus();
      return true;
    }
  }
  return false;
}

/**
 * The first things Tab reaches in the editor: "Skip to canvas" and "Skip to panels", past the
 * top bar and the palette's long list, for keyboard and screen-reader users. Hidden until focused
 * (renderer/focus.css). Buttons, not links: they move focus, the address stays as it is.
 */
export function SkipLinks() {
  return (
    <nav className="sb-skip-links" aria-label="Skip links">
      <button type="button" onClick={() => focusFirst(TARGETS.canvas)}>
        Skip to canvas
      </button>
      <button type="button" onClick={() => focusFirst(TARGETS.panels)}>
        Skip to panels
      </button>
    </nav>
  );
}
