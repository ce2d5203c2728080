import path from 'node:path';
import type { BaseWindow, MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../host/protocol/shell-api.ts';

/** What the menu acts on: commands go to the page; Recent, theme, the workspace folder and team servers are main's. */
export interface MenuDeps {
  platform: NodeJS.Platform;
  recentFiles: readonly string[];
  theme: 'system' | 'light' | 'dark';
  /** Show Reload and the developer tools (unpackaged builds only). */
  developer: boolean;
  /** A command for the page, with the window it was chosen in (undefined when none has focus). */
  send(command: MenuCommand, window: BaseWindow | undefined): void;
  openRecent(file: string): void;
  clearRecent(): void;
  setTheme(theme: 'system' | 'light' | 'dark'): void;
  showWorkspace(): void;
  /** File › Connect to Team Server…: asks for the URL, then opens the server's page in a window of its own. */
  connectTeamServer(): void;
}

/**
 * The application menu: File (New, Open/Import…, Export…, Save, Recent, Connect to Team
 * Server…), Edit, View, Run (Run, Dry run, Step, Continue, Stop) and Help. Items that act on the
 * editor send a command to the page (`onMenu`), with the window they were chosen in; the clipboard
 * items are the platform's own roles, so they work in every text field.
 */
export function menuTemplate(deps: MenuDeps): MenuItemConstructorOptions[] {
  const mac = deps.platform === 'darwin';
  const command = (label: string, name: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator === undefined ? {} : { accelerator }),
    click: (_item, window) => deps.send(name, window),
  });
  const recent: MenuItemConstructorOptions[] =
    deps.recentFiles.length === 0
      ? [{ label: 'No recent files', enabled: false }]
      : [
          ...deps.recentFiles.map((file) => ({ label: path.basename(file), toolTip: file, click: () => deps.openRecent(file) })),
          { type: 'separator' as const },
          { label: 'Clear Recent', click: () => deps.clearRecent() },
        ];
  const theme = (label: string, value: MenuDeps['theme']): MenuItemConstructorOptions => ({
    label,
    type: 'radio',
    checked: deps.theme === value,
    click: () => deps.setTheme(value),
  });

  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        command('New Playbook', 'file.new', 'CmdOrCtrl+N'),
        command('Open/Import…', 'file.import', 'CmdOrCtrl+O'),
        command('Export…', 'file.export', 'CmdOrCtrl+Shift+E'),
        command('Save', 'file.save', 'CmdOrCtrl+S'),
        { label: 'Open Recent', submenu: recent },
        { type: 'separator' },
        { label: 'Connect to Team Server…', click: () => deps.connectTeamServer() },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        command('Undo', 'edit.undo', 'CmdOrCtrl+Z'),
        command('Redo', 'edit.redo', mac ? 'Shift+Cmd+Z' : 'Ctrl+Y'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { label: 'Theme', submenu: [theme('System', 'system'), theme('Light', 'light'), theme('Dark', 'dark')] },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(deps.developer ? [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }] : []),
      ],
    },
    {
      label: 'Run',
      submenu: [
        command('Run', 'run.run', 'F5'),
        command('Dry Run', 'run.dry-run', 'CmdOrCtrl+F5'),
        { type: 'separator' },
        command('Step', 'run.step', 'F10'),
        command('Continue', 'run.continue', 'F8'),
        command('Stop', 'run.stop', 'Shift+F5'),
      ],
    },
    {
      role: 'help',
      submenu: [command('Keyboard Shortcuts', 'help.shortcuts', 'CmdOrCtrl+/'), { label: 'Show Workspace Folder', click: () => deps.showWorkspace() }, ...(mac ? [] : [{ role: 'about' as const }])],
    },
  ];
  return mac ? [{ role: 'appMenu' }, ...template] : template;
}
