import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import * as z from 'zod';
import { isTrustedSender } from './security.ts';
import { CHANNELS, MAX_PLAYBOOK_BYTES, type PlaybookFile, type SavePlaybookRequest } from '../host/protocol/shell-api.ts';

/**
 * Main's IPC handlers: exactly the preload's API. Each checks that the message comes from the
 * main window's top frame on the app's own origin, then parses its arguments with zod; anything
 * else is refused (an `invoke` rejects, a `send` is dropped) and logged.
 */

/** A file name to suggest in the save dialog: a name, not a path. */
const FileName = z
  .string()
  .min(1)
  .max(255)
  .refine((name) => !/[/\\\0]/.test(name) && name !== '.' && name !== '..', 'must be a file name, not a path');

/** The arguments each channel takes, as a tuple: extra arguments are refused too. */
export const IPC_ARGUMENTS = {
  [CHANNELS.connect]: z.tuple([]),
  [CHANNELS.openPlaybook]: z.tuple([]),
  [CHANNELS.savePlaybook]: z.tuple([z.strictObject({ suggestedName: FileName, text: z.string().max(MAX_PLAYBOOK_BYTES) })]),
} as const;

/** What the handlers act on. */
export interface IpcDeps {
  ipcMain: Pick<IpcMain, 'on' | 'handle'>;
  /** The one main window, whose top frame alone may call. */
  window(): { webContents: { mainFrame: unknown } } | undefined;
  devOrigin?: string;
  connect(): void;
  openPlaybook(): Promise<PlaybookFile | null>;
  savePlaybook(request: SavePlaybookRequest): Promise<string | null>;
  log(line: string): void;
}

/** The refusal an invoke rejects with: one line, no detail for a page that should not be asking. */
export class IpcRefused extends Error {
  override readonly name = 'IpcRefused';
}

/** Checks sender and arguments; returns the parsed arguments, or throws `IpcRefused`. */
function admit<C extends keyof typeof IPC_ARGUMENTS>(channel: C, event: IpcMainEvent | IpcMainInvokeEvent, args: unknown[], deps: IpcDeps): z.output<(typeof IPC_ARGUMENTS)[C]> {
  if (!isTrustedSender(event, deps.window(), deps.devOrigin)) {
    deps.log(`switchboard: refused ${channel} from ${event.senderFrame?.url ?? 'a frame that is gone'}`);
    throw new IpcRefused(`${channel}: refused (not the app's window)`);
  }
  const parsed = IPC_ARGUMENTS[channel].safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    deps.log(`switchboard: refused ${channel}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
    throw new IpcRefused(`${channel}: refused (invalid arguments)`);
  }
  return parsed.data as z.output<(typeof IPC_ARGUMENTS)[C]>;
}

/** Registers every handler; the channels are `CHANNELS.connect`, `openPlaybook` and `savePlaybook`. */
export function registerIpcHandlers(deps: IpcDeps): void {
  deps.ipcMain.on(CHANNELS.connect, (event, ...args: unknown[]) => {
    try {
      admit(CHANNELS.connect, event, args, deps);
    } catch {
      return;
    }
    deps.connect();
  });
  deps.ipcMain.handle(CHANNELS.openPlaybook, async (event, ...args: unknown[]) => {
    admit(CHANNELS.openPlaybook, event, args, deps);
    return deps.openPlaybook();
  });
  deps.ipcMain.handle(CHANNELS.savePlaybook, async (event, ...args: unknown[]) => {
    const [request] = admit(CHANNELS.savePlaybook, event, args, deps);
    return deps.savePlaybook(request);
  });
}
