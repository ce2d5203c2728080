import { PORT_MESSAGE, type SwitchboardShell } from '../../host/protocol/shell-api.ts';
import type { RequestFrame } from '../../host/protocol/contract.ts';
import { parseServerFrame, type Transport, type TransportListener } from './client.ts';

/** A MessagePort as this transport uses it. */
export interface PortLike {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: string): void;
  start(): void;
  close(): void;
}

/** The window message the preload posts, as this transport reads it. */
interface WindowMessage {
  data: unknown;
  origin: string;
  source: unknown;
  ports: readonly PortLike[];
}

/** The page's window as this transport uses it (injected in tests). */
export interface PortWindow {
  location: { origin: string };
  addEventListener(type: 'message', listener: (event: WindowMessage) => void): void;
  removeEventListener(type: 'message', listener: (event: WindowMessage) => void): void;
}

/** The desktop shell's API when the preload exposed it (the desktop app), else undefined (the browser). */
export function desktopShell(target: unknown = globalThis): SwitchboardShell | undefined {
  const shell = (target as { switchboard?: Partial<SwitchboardShell> }).switchboard;
  return typeof shell?.connect === 'function' && typeof shell.onMenu === 'function' ? (shell as SwitchboardShell) : undefined;
}

/**
 * The desktop transport: JSON frames over a MessagePort to the host's utility process. The page
 * asks the shell for a port; it arrives as a window message from the preload. A later port means
 * the host restarted: calls in flight fail (`disconnected`), and the client carries on over the
 * new one, so the app reconnects by itself. Requests sent before the first port wait in a queue.
 */
export function createMessagePortTransport(shell: Pick<SwitchboardShell, 'connect'>, page: PortWindow = globalThis as unknown as PortWindow): Transport {
  let port: PortLike | undefined;
  let listener: TransportListener | undefined;
  let queue: string[] = [];
  let closed = false;

  const receive = (event: { data: unknown }): void => {
    const frame = parseServerFrame(event.data);
    if (frame !== undefined) listener?.frame(frame);
  };

  const onWindowMessage = (event: WindowMessage): void => {
    if (event.source !== page || event.origin !== page.location.origin || event.data !== PORT_MESSAGE) return;
    const next = event.ports[0];
    if (next === undefined || closed) return;
    const previous = port;
    port = next;
    if (previous !== undefined) {
      previous.onmessage = null;
      previous.close();
      listener?.disconnected('the host restarted');
    }
    next.onmessage = receive;
    next.start();
    listener?.connected();
    const waiting = queue;
    queue = [];
    for (const text of waiting) next.postMessage(text);
  };

  return {
    send(frame: RequestFrame): void {
      if (closed) throw new Error('the connection to the host is closed.');
      const text = JSON.stringify(frame);
      if (port !== undefined) port.postMessage(text);
      else queue.push(text);
    },
    open(next: TransportListener): () => void {
      listener = next;
      page.addEventListener('message', onWindowMessage);
      shell.connect();
      return () => {
        closed = true;
        page.removeEventListener('message', onWindowMessage);
        if (port !== undefined) {
          port.onmessage = null;
          port.close();
        }
        port = undefined;
        queue = [];
      };
    },
  };
}
