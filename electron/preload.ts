import { contextBridge, ipcRenderer } from 'electron';
import { CHANNELS, PORT_MESSAGE, type PlaybookFile, type SavePlaybookRequest, type ShellEvent, type SwitchboardShell } from '../host/protocol/shell-api.ts';

/**
 * The preload (sandboxed, context-isolated): exposes `window.switchboard` with the port handoff,
 * the two native dialogs and menu events, and nothing generic. It is bundled to CommonJS, as
 * sandboxed preloads must be.
 */

/** The page's window as the preload uses it: posting a message with transferred ports. */
interface PageWindow {
  postMessage(message: unknown, targetOrigin: string, transfer?: unknown[]): void;
}

/** What the preload uses of `ipcRenderer`: listen, send, invoke — kept inside, never exposed. */
export interface PreloadIpc {
  on(channel: string, listener: (event: { ports: readonly unknown[] }, payload: ShellEvent) => void): unknown;
  send(channel: string): void;
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
}

/**
 * Builds the API. Menu events that arrive before the page listens (a file opened at launch)
 * wait in a queue and go to the first listener.
 */
export function createShellApi(ipc: PreloadIpc, page: PageWindow): SwitchboardShell {
  const listeners = new Set<(event: ShellEvent) => void>();
  const waiting: ShellEvent[] = [];

  ipc.on(CHANNELS.port, (event) => {
    const [port] = event.ports;
    if (port !== undefined) page.postMessage(PORT_MESSAGE, '*', [port]);
  });
  ipc.on(CHANNELS.shellEvent, (_event, payload) => {
    if (listeners.size === 0) waiting.push(payload);
    for (const listener of listeners) listener(payload);
  });

  return {
    connect: () => ipc.send(CHANNELS.connect),
    openPlaybookFile: () => ipc.invoke(CHANNELS.openPlaybook) as Promise<PlaybookFile | null>,
    savePlaybookFile: (request: SavePlaybookRequest) =>
      ipc.invoke(CHANNELS.savePlaybook, { suggestedName: request.suggestedName, text: request.text }) as Promise<string | null>,
    onMenu: (listener) => {
      listeners.add(listener);
      for (const event of waiting.splice(0)) listener(event);
      return () => void listeners.delete(listener);
    },
  };
}

contextBridge.exposeInMainWorld('switchboard', createShellApi(ipcRenderer, globalThis as unknown as PageWindow));
