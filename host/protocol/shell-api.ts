/**
 * What the desktop shell's preload exposes to the page as `window.switchboard`, and the IPC
 * channel names behind it. Types and constants only: the renderer imports this file's types, the
 * preload and main import its constants, and none of them pulls in Electron or Node through it.
 */

/** IPC channels between main and the preload; nothing else crosses. */
export const CHANNELS = {
  /** main → preload: a MessagePort to the host (again after every host restart). */
  port: 'switchboard:port',
  /** preload → main: the page is listening; send it a port. */
  connect: 'switchboard:connect',
  /** preload → main (invoke): native open dialog for a playbook file. */
  openPlaybook: 'switchboard:open-playbook',
  /** preload → main (invoke): native save dialog, then write the file. */
  savePlaybook: 'switchboard:save-playbook',
  /** main → preload: a menu command or a playbook file opened from outside. */
  shellEvent: 'switchboard:shell-event',
} as const;

/** The `data` of the window message that carries a host port from the preload to the page. */
export const PORT_MESSAGE = 'switchboard:port';

/** Largest playbook file the shell reads or writes: the contract's limit on `playbooks.import`. */
export { MAX_PLAYBOOK_BYTES } from './limits.ts';

/** A playbook file's name (no folder) and its text, as `playbooks.import` takes them. */
export interface PlaybookFile {
  fileName: string;
  text: string;
}

/** What the page hands the save dialog: a file name to suggest and the text to write. */
export interface SavePlaybookRequest {
  suggestedName: string;
  text: string;
}

/** Commands the application menu sends to the page; the page decides what each does. */
export const MENU_COMMANDS = [
  'file.new',
  'file.import',
  'file.export',
  'file.save',
  'edit.undo',
  'edit.redo',
  'view.theme-light',
  'view.theme-dark',
  'run.run',
  'run.dry-run',
  'run.step',
  'run.continue',
  'run.stop',
  'help.shortcuts',
] as const;

export type MenuCommand = (typeof MENU_COMMANDS)[number];

/**
 * What `onMenu` delivers: a menu command, or a `*.playbook.json` the user opened from outside the
 * app (file manager, dock or taskbar icon, Recent menu, command line) for the import flow.
 */
export type ShellEvent = { command: MenuCommand } | { command: 'file.opened'; file: PlaybookFile };

/** `window.switchboard` in the desktop app; absent in the browser. */
export interface SwitchboardShell {
  /** Asks main for a MessagePort to the host; it arrives as a window message (`PORT_MESSAGE`). */
  connect(): void;
  /** Shows the native open dialog; null when the user cancels. */
  openPlaybookFile(): Promise<PlaybookFile | null>;
  /** Shows the native save dialog and writes the file; the saved path, or null when cancelled. */
  savePlaybookFile(request: SavePlaybookRequest): Promise<string | null>;
  /** Follows menu commands and opened files; returns the unsubscribe. Events before the first listener wait for it. */
  onMenu(listener: (event: ShellEvent) => void): () => void;
}
