import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, Dialog } from 'electron';
import { MAX_PLAYBOOK_BYTES, type PlaybookFile, type SavePlaybookRequest } from '../host/protocol/shell-api.ts';
import { rememberRecent, type Settings } from './settings.ts';

/** The file suffix of a shared playbook (DESIGN.md §3). */
export const PLAYBOOK_SUFFIX = '.playbook.json';

const FILTERS = [
  { name: 'Switchboard playbooks', extensions: ['json'] },
  { name: 'All files', extensions: ['*'] },
];

/** The `*.playbook.json` files named on a command line (launch, or a second instance), resolved against `cwd`. */
export function playbookFilesIn(argv: readonly string[], cwd: string): string[] {
  return argv.filter((arg) => !arg.startsWith('-') && arg.toLowerCase().endsWith(PLAYBOOK_SUFFIX)).map((arg) => path.resolve(cwd, arg));
}

/** Reads a playbook file for the import flow; refuses what is not a file or is larger than the protocol takes. */
export async function readPlaybookFile(file: string): Promise<PlaybookFile> {
  const stat = await fs.promises.stat(file);
  if (!stat.isFile()) throw new Error(`${file} is not a file`);
  if (stat.size > MAX_PLAYBOOK_BYTES) throw new Error(`${file} is ${stat.size} bytes; a playbook file may be at most ${MAX_PLAYBOOK_BYTES}`);
  return { fileName: path.basename(file), text: await fs.promises.readFile(file, 'utf8') };
}

/** What the dialogs need: Electron's dialog, the window they belong to, the settings (Recent), a default folder. */
export interface DialogDeps {
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>;
  window(): BrowserWindow | undefined;
  settings: Settings;
  documentsDir: string;
  /** The recent list changed (the menu is rebuilt). */
  onRecent?(): void;
}

/** Where dialogs start: the folder of the most recent file, else Documents. */
function startFolder(deps: DialogDeps): string {
  const recent = deps.settings.get('recentFiles')[0];
  return recent === undefined ? deps.documentsDir : path.dirname(recent);
}

/** File › Open/Import…: the native open dialog, then the file's name and text; null when cancelled. */
export async function openPlaybookDialog(deps: DialogDeps): Promise<PlaybookFile | null> {
  const options = { title: 'Open or import a playbook', defaultPath: startFolder(deps), properties: ['openFile' as const], filters: FILTERS };
  const window = deps.window();
  const result = window === undefined ? await deps.dialog.showOpenDialog(options) : await deps.dialog.showOpenDialog(window, options);
  const file = result.filePaths[0];
  if (result.canceled || file === undefined) return null;
  const read = await readPlaybookFile(file);
  rememberRecent(deps.settings, file);
  deps.onRecent?.();
  return read;
}

/** File › Export…: the native save dialog, then the text written there; the path, or null when cancelled. */
export async function savePlaybookDialog(deps: DialogDeps, request: SavePlaybookRequest): Promise<string | null> {
  const options = {
    title: 'Export playbook',
    defaultPath: path.join(startFolder(deps), request.suggestedName),
    filters: FILTERS,
    properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const],
  };
  const window = deps.window();
  const result = window === undefined ? await deps.dialog.showSaveDialog(options) : await deps.dialog.showSaveDialog(window, options);
  if (result.canceled || result.filePath === undefined || result.filePath === '') return null;
  await fs.promises.writeFile(result.filePath, request.text, 'utf8');
  rememberRecent(deps.settings, result.filePath);
  deps.onRecent?.();
  return result.filePath;
}
