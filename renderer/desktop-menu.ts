import { useEffect } from 'react';
import type { MenuCommand } from '../host/protocol/shell-api.ts';
import { desktopShell } from './rpc/index.ts';
import { useStore } from './store/index.ts';

const SHORTCUTS =
  'Shortcuts: Ctrl+S save, Ctrl+Z undo, Ctrl+Shift+Z or Ctrl+Y redo, Ctrl+C / Ctrl+V copy and paste nodes, Delete removes the selection, Ctrl+A selects all.';

/** True while a text field has focus: the menu's Undo/Redo then belong to the field, not the canvas. */
function editingText(): boolean {
  const active = document.activeElement;
  return active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement || (active instanceof HTMLElement && active.isContentEditable);
}

/** Commands about the playbook in the editor: at home (no playbook shown) they do nothing. */
const EDITOR_COMMANDS: ReadonlySet<MenuCommand> = new Set<MenuCommand>(['file.save', 'edit.undo', 'edit.redo', 'run.run', 'run.dry-run', 'run.step', 'run.continue', 'run.stop']);

/** What each desktop menu command does in the page (Import/Export live with the share controls). */
export async function runMenuCommand(command: MenuCommand): Promise<void> {
  const state = useStore.getState();
  if (state.view === 'home' && EDITOR_COMMANDS.has(command)) return;
  switch (command) {
    case 'file.new':
      await state.openPlaybook(await state.createPlaybook('Untitled playbook'));
      return;
    case 'file.save':
      return state.save();
    case 'edit.undo':
      if (editingText()) document.execCommand('undo');
      else state.undo();
      return;
    case 'edit.redo':
      if (editingText()) document.execCommand('redo');
      else state.redo();
      return;
    case 'view.theme-light':
      return state.setTheme('light');
    case 'view.theme-dark':
      return state.setTheme('dark');
    case 'run.run':
      return state.startRun({ mode: 'run', dryRun: false });
    case 'run.dry-run':
      return state.startRun({ mode: 'run', dryRun: true });
    case 'run.step':
      return state.run?.status === 'paused' ? state.control('step') : state.startRun({ mode: 'step', dryRun: false });
    case 'run.continue':
      return state.control('continue');
    case 'run.stop':
      return state.control('stop');
    case 'help.shortcuts':
      return state.notify('info', SHORTCUTS);
    case 'file.import':
    case 'file.export':
      return;
  }
}

/** Follows the desktop shell's menu (no-op in the browser); errors become a toast, not a crash. */
export function useDesktopMenu(): void {
  useEffect(
    () =>
      desktopShell()?.onMenu((event) => {
        if (event.command === 'file.opened') return;
        runMenuCommand(event.command).catch((error: unknown) => {
          useStore.getState().notify('error', error instanceof Error ? error.message : String(error));
        });
      }),
    [],
  );
}
