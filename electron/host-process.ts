import type { MessagePortMain, UtilityProcess } from 'electron';
import type { HostReport, InitMessage } from '../host/shell-entry.ts';

/**
 * Keeps the host running in an Electron `utilityProcess` (DESIGN.md §1): forks it, sends it the
 * workspace and vault key, and hands each renderer connection a fresh MessageChannelMain — one
 * port to the host, the other to the renderer. When the host dies unexpectedly it is forked again
 * (with a growing delay) and the renderer is handed a new port, so it reconnects; runs that were
 * live then read back as interrupted, since the journal sees their writer gone.
 */

/** The two ends of a MessageChannelMain. */
export interface Channel {
  port1: MessagePortMain;
  port2: MessagePortMain;
}

export interface HostSupervisorOptions {
  /** Forks the host entry (`utilityProcess.fork`). */
  fork(): UtilityProcess;
  createChannel(): Channel;
  /** The init message (workspace, vault key); computed once, reused on every restart. */
  init(): Promise<InitMessage>;
  /** Hands the renderer its end (`webContents.postMessage('switchboard:port', null, [port])`). */
  deliverPort(port: MessagePortMain): void;
  /** The host is up; carries its connectors' documentation hosts. */
  onReady?(report: Extract<HostReport, { type: 'ready' }>): void;
  /** The host could not start (a wrong vault key, an unreadable workspace): not retried. */
  onFailed(message: string): void;
  /** The host kept dying: restarts stopped. */
  onGaveUp(message: string): void;
  /** Delays before each successive restart; more crashes in a row than entries gives up. */
  restartDelaysMs?: readonly number[];
  /** A host that stayed up this long resets the crash count. */
  stableAfterMs?: number;
  /** How long `stop` waits for a clean exit before killing. */
  stopTimeoutMs?: number;
  now?(): number;
  log?(line: string): void;
}

export const DEFAULT_RESTART_DELAYS_MS = [250, 1_000, 3_000, 10_000] as const;

export class HostSupervisor {
  private child: UtilityProcess | undefined;
  private initMessage: Promise<InitMessage> | undefined;
  private rendererWanted = false;
  private stopping = false;
  private failed = false;
  private crashes = 0;
  private startedAt = 0;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private exited: (() => void) | undefined;
  private readonly delays: readonly number[];

  /** How many times the host was forked again after dying. */
  restarts = 0;

  constructor(private readonly options: HostSupervisorOptions) {
    this.delays = options.restartDelaysMs ?? DEFAULT_RESTART_DELAYS_MS;
  }

  /** Whether a host process is running now. */
  get running(): boolean {
    return this.child !== undefined;
  }

  /** Forks the host and sends it init. Resolves once the message is sent (not when the host is ready). */
  async start(): Promise<void> {
    let init: InitMessage;
    try {
      init = await (this.initMessage ??= this.options.init());
    } catch (err) {
      this.failed = true;
      this.options.onFailed(err instanceof Error ? err.message : String(err));
      return;
    }
    if (this.stopping) return;
    const child = this.options.fork();
    this.child = child;
    this.startedAt = this.now();
    child.on('message', (message: unknown) => this.report(child, message));
    child.on('exit', (code: number) => this.exit(child, code));
    child.postMessage(init);
  }

  /**
   * Gives the renderer a new port to the host (the renderer asked, or the host restarted). Its
   * previous port, if any, is simply dropped: the host closes that connection when it closes.
   */
  connectRenderer(): void {
    this.rendererWanted = true;
    const child = this.child;
    if (child === undefined || this.stopping) return;
    const { port1, port2 } = this.options.createChannel();
    child.postMessage({ type: 'connect' }, [port1]);
    this.options.deliverPort(port2);
  }

  /** Asks the host to stop its runs and exit; kills it if it has not after `stopTimeoutMs`. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (child === undefined) return;
    const exited = new Promise<void>((resolve) => (this.exited = resolve));
    child.postMessage({ type: 'shutdown' });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.options.stopTimeoutMs ?? 5_000)));
    if ((await Promise.race([exited, timedOut])) === 'timeout') {
      this.log('switchboard: the host did not stop in time; killing it');
      child.kill();
    }
    clearTimeout(timer);
  }

  private report(child: UtilityProcess, message: unknown): void {
    if (child !== this.child || typeof message !== 'object' || message === null) return;
    const report = message as HostReport;
    if (report.type === 'ready' && Array.isArray(report.docsHosts)) {
      this.options.onReady?.({ type: 'ready', docsHosts: report.docsHosts.filter((host): host is string => typeof host === 'string') });
    } else if (report.type === 'failed') {
      this.failed = true;
      this.options.onFailed(typeof report.message === 'string' ? report.message : 'the host could not start');
      child.kill();
    }
  }

  private exit(child: UtilityProcess, code: number): void {
    if (child !== this.child) return;
    this.child = undefined;
    if (this.stopping) {
      this.exited?.();
      return;
    }
    if (this.failed) return;
    if (this.now() - this.startedAt >= (this.options.stableAfterMs ?? 60_000)) this.crashes = 0;
    const delay = this.delays[this.crashes];
    this.crashes++;
    if (delay === undefined) {
      this.options.onGaveUp(`the host stopped unexpectedly ${this.crashes} times in a row (last exit code ${code}); it was not restarted again`);
      return;
    }
    this.log(`switchboard: the host stopped unexpectedly (exit code ${code}); restarting it`);
    this.restartTimer = setTimeout(() => {
      this.restarts++;
      void this.start().then(() => {
        if (this.rendererWanted) this.connectRenderer();
      });
    }, delay);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private log(line: string): void {
    (this.options.log ?? ((text: string) => process.stderr.write(`${text}\n`)))(line);
  }
}
