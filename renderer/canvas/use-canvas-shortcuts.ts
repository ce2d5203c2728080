import { useEffect } from 'react';
import type { RefObject } from 'react';
import { useStore } from '../store/index.ts';

/** How long a Ctrl+V waits for the browser's paste event before reading the clipboard itself. */
const PASTE_FALLBACK_MS = 80;

/** Keys of the canvas, for the help text and the toolbar titles. */
export const SHORTCUTS = [
  ['Delete / Backspace', 'Delete the selection'],
  ['Ctrl/⌘ Z', 'Undo'],
  ['Ctrl/⌘ Shift Z, Ctrl Y', 'Redo'],
  ['Ctrl/⌘ C', 'Copy the selection (as JSON, for a teammate too)'],
  ['Ctrl/⌘ V', 'Paste nodes'],
  ['Ctrl/⌘ A', 'Select all'],
  ['Ctrl/⌘ S', 'Save'],
  ['F9', 'Toggle a breakpoint on the selected node'],
  ['C', 'Connect the selected node to another (Connect…)'],
  ['Escape', 'Clear the selection'],
  ['Double-click a node', 'Open it in the inspector'],
  ['Shift + drag', 'Select with a box'],
] as const;

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.closest('input, textarea, select, [contenteditable="true"]') !== null;
}

/** True when focus is on the canvas or nowhere in particular, so canvas-wide keys apply. */
function onCanvas(target: EventTarget | null, canvas: HTMLElement | null): boolean {
  if (isEditable(target)) return false;
  return target === document.body || target === document.documentElement || (target instanceof Node && canvas?.contains(target) === true);
}

function hasTextSelection(): boolean {
  const selection = window.getSelection();
  return selection !== null && !selection.isCollapsed && selection.toString() !== '';
}

/**
 * The editor's keyboard: undo, redo and save anywhere outside a text field; delete, select all,
 * copy, paste and breakpoints when the canvas has focus. Copy puts the fragment on the system
 * clipboard (the copy event, and navigator.clipboard) and keeps it in memory; paste prefers the
 * browser's paste event (no permission prompt) and falls back to navigator.clipboard, then memory.
 */
export function useCanvasShortcuts(canvas: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    let pendingPaste: ReturnType<typeof setTimeout> | undefined;

    const onKeyDown = (event: KeyboardEvent) => {
      const store = useStore.getState();
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (mod && key === 's') {
        event.preventDefault();
        void store.save();
        return;
      }
      if (isEditable(event.target)) return;
      if (mod && key === 'z') {
        event.preventDefault();
        if (event.shiftKey) store.redo();
        else store.undo();
        return;
      }
      if (event.ctrlKey && !event.metaKey && key === 'y') {
        event.preventDefault();
        store.redo();
        return;
      }
      if (!onCanvas(event.target, canvas.current)) return;
      if ((event.key === 'Delete' || event.key === 'Backspace') && !mod) {
        event.preventDefault();
        store.deleteSelection();
      } else if (mod && key === 'a') {
        event.preventDefault();
        store.selectAll();
      } else if (mod && key === 'c' && !hasTextSelection()) {
        const text = store.copySelection();
        if (text !== undefined) void navigator.clipboard?.writeText(text).catch(() => undefined);
      } else if (mod && key === 'v') {
        clearTimeout(pendingPaste);
        pendingPaste = setTimeout(() => {
          pendingPaste = undefined;
          const read = navigator.clipboard?.readText?.();
          if (read === undefined) useStore.getState().paste();
          else read.then((text) => useStore.getState().paste(text), () => useStore.getState().paste());
        }, PASTE_FALLBACK_MS);
      } else if (event.key === 'Escape') {
        store.select(undefined);
      } else if (event.key === 'F9' && store.selectedNodeId !== undefined) {
        event.preventDefault();
        const node = store.nodes.find((candidate) => candidate.id === store.selectedNodeId);
        if (node?.type === 'playbook') store.updateNode(node.id, { breakpoint: node.data.node.breakpoint === true ? undefined : true });
      }
    };

    const onCopy = (event: ClipboardEvent) => {
      if (!onCanvas(event.target, canvas.current) || hasTextSelection()) return;
      const text = useStore.getState().copySelection();
      if (text === undefined || event.clipboardData === null) return;
      event.clipboardData.setData('text/plain', text);
      event.preventDefault();
    };

    const onPaste = (event: ClipboardEvent) => {
      if (!onCanvas(event.target, canvas.current)) return;
      clearTimeout(pendingPaste);
      pendingPaste = undefined;
      event.preventDefault();
      useStore.getState().paste(event.clipboardData?.getData('text/plain'));
    };

    document.addEventListener('keydown', onKeyDown);
    document.addEventListener('copy', onCopy);
    document.addEventListener('paste', onPaste);
    return () => {
      clearTimeout(pendingPaste);
      document.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('paste', onPaste);
    };
  }, [canvas]);
}
