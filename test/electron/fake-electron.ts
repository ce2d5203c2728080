/**
 * A small fake of the `electron` module for tests on Node (the Electron binary cannot run here):
 * BrowserWindow, app, ipcMain, ipcRenderer, contextBridge, utilityProcess, MessageChannelMain,
 * safeStorage, shell, session (and partitions), Menu, dialog, protocol and nativeTheme, each recording its calls.
 * Test files route `electron` here with
 * `vi.mock('electron', async () => (await import('./fake-electron.ts')).fake.module)`.
 */

type Listener = (...args: never[]) => unknown;

/** Node's EventEmitter, reduced to what the shell uses, with a way to read who listens. */
export class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  once(event: string, listener: Listener): this {
    const wrapped = ((...args: never[]) => {
      this.off(event, wrapped);
      return listener(...args);
    }) as Listener;
    return this.on(event, wrapped);
  }

  off(event: string, listener: Listener): this {
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter((entry) => entry !== listener),
    );
    return this;
  }

  removeAllListeners(event?: string): this {
    if (event === undefined) this.listeners.clear();
    else this.listeners.delete(event);
    return this;
  }

  emit(event: string, ...args: unknown[]): boolean {
    const listeners = this.listeners.get(event) ?? [];
    for (const listener of listeners) (listener as (...values: unknown[]) => unknown)(...args);
    return listeners.length > 0;
  }

  listenerCount(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

/** An event object as Electron passes to listeners that may cancel. */
export function fakeEvent(fields: Record<string, unknown> = {}): { defaultPrevented: boolean; preventDefault(): void } & Record<string, unknown> {
  const event = {
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

export class FakeFrame {
  constructor(
    public url: string,
    public parent: FakeFrame | null = null,
  ) {}
}

/** A session of a partition (`session.fromPartition`): what was set on it. */
export class FakeSession {
  permissionRequest: ((contents: unknown, permission: string, callback: (granted: boolean) => void, details?: unknown) => void) | undefined;
  permissionCheck: ((contents: unknown, permission: string, origin: string, details?: unknown) => boolean) | undefined;
  headersListener: ((details: unknown, callback: (response: unknown) => void) => void) | undefined;
  certificateVerifyProcs = 0;
  readonly webRequest = {
    onHeadersReceived: (listener: (details: unknown, callback: (response: unknown) => void) => void) => {
      this.headersListener = listener;
    },
  };

  constructor(readonly partition: string) {}

  setPermissionRequestHandler(handler: FakeSession['permissionRequest']): void {
    this.permissionRequest = handler;
  }

  setPermissionCheckHandler(handler: FakeSession['permissionCheck']): void {
    this.permissionCheck = handler;
  }

  setCertificateVerifyProc(): void {
    this.certificateVerifyProcs++;
  }
}

export class FakeWebContents extends FakeEmitter {
  readonly mainFrame: FakeFrame;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  readonly posted: Array<{ channel: string; message: unknown; transfer: unknown[] }> = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  /** The default session, or the partition's the window was made with. */
  session: unknown;
  undos = 0;
  redos = 0;

  constructor(url = 'app://switchboard/index.html') {
    super();
    this.mainFrame = new FakeFrame(url);
  }

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }

  postMessage(channel: string, message: unknown, transfer: unknown[] = []): void {
    this.posted.push({ channel, message, transfer });
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }

  undo(): void {
    this.undos++;
  }

  redo(): void {
    this.redos++;
  }
}

export class FakePort extends FakeEmitter {
  closed = false;
  started = false;
  readonly messages: unknown[] = [];

  postMessage(message: unknown): void {
    this.messages.push(message);
  }

  start(): void {
    this.started = true;
  }

  close(): void {
    this.closed = true;
  }
}

export class FakeMessageChannelMain {
  readonly port1 = new FakePort();
  readonly port2 = new FakePort();

  constructor() {
    fake.channels.push(this);
  }
}

export class FakeUtilityProcess extends FakeEmitter {
  readonly posted: Array<{ message: unknown; transfer: unknown[] }> = [];
  killed = false;
  pid: number | undefined = 4242;

  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: Record<string, unknown>,
  ) {
    super();
  }

  postMessage(message: unknown, transfer: unknown[] = []): void {
    this.posted.push({ message, transfer });
  }

  kill(): boolean {
    this.killed = true;
    return true;
  }

  /** The process ends: Electron emits `exit` with the code. */
  crash(code = 1): void {
    this.pid = undefined;
    this.emit('exit', code);
  }
}

export class FakeBrowserWindow extends FakeEmitter {
  readonly webContents: FakeWebContents;
  loadedUrl: string | undefined;
  shown = false;
  maximized = false;
  destroyed = false;
  focused = 0;
  menuRemoved = false;

  constructor(readonly options: Record<string, unknown>) {
    super();
    this.webContents = new FakeWebContents();
    const partition = (options.webPreferences as { partition?: string } | undefined)?.partition;
    this.webContents.session = partition === undefined ? fake.module.session.defaultSession : fake.module.session.fromPartition(partition);
    fake.windows.push(this);
    fake.app.emit('web-contents-created', fakeEvent(), this.webContents);
  }

  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
  }

  show(): void {
    this.shown = true;
  }

  maximize(): void {
    this.maximized = true;
  }

  isMaximized(): boolean {
    return this.maximized;
  }

  isMinimized(): boolean {
    return false;
  }

  restore(): void {}

  focus(): void {
    this.focused++;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Closing: `close` (which may be prevented), then `closed`. */
  close(): void {
    if (this.destroyed) return;
    const event = fakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroyed = true;
    this.emit('closed');
  }

  removeMenu(): void {
    this.menuRemoved = true;
  }

  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    return { x: 10, y: 20, width: (this.options.width as number) ?? 1280, height: (this.options.height as number) ?? 820 };
  }
}

/** What the fake records, and knobs a test turns before starting the shell. */
function createFake() {
  const state = {
    windows: [] as FakeBrowserWindow[],
    forks: [] as FakeUtilityProcess[],
    channels: [] as FakeMessageChannelMain[],
    handlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
    headersListener: undefined as undefined | ((details: unknown, callback: (response: unknown) => void) => void),
    permissionRequest: undefined as undefined | ((contents: unknown, permission: string, callback: (granted: boolean) => void, details?: unknown) => void),
    permissionCheck: undefined as undefined | ((contents: unknown, permission: string, origin: string, details?: unknown) => boolean),
    protocolHandlers: new Map<string, (request: { url: string; method: string }) => Promise<Response>>(),
    privilegedSchemes: [] as unknown[],
    menu: undefined as undefined | { template: Array<Record<string, unknown>> },
    partitions: new Map<string, FakeSession>(),
    exposed: {} as Record<string, unknown>,
    lock: true,
    backend: 'gnome_libsecret',
    encryptionAvailable: true,
  };

  const app = Object.assign(new FakeEmitter(), {
    isPackaged: false,
    name: 'Electron',
    quitCalls: 0,
    sandboxed: false,
    requestSingleInstanceLock: () => state.lock,
    quit() {
      app.quitCalls++;
    },
    setName(name: string) {
      app.name = name;
    },
    enableSandbox() {
      app.sandboxed = true;
    },
    whenReady: () => Promise.resolve(),
    getPath: (name: string) => `/fake/${name}`,
    getVersion: () => '0.1.0',
  });

  const ipcMain = Object.assign(new FakeEmitter(), {
    handle(channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) {
      state.handlers.set(channel, handler);
    },
  });

  const ipcRenderer = Object.assign(new FakeEmitter(), {
    sent: [] as Array<{ channel: string; args: unknown[] }>,
    invoked: [] as Array<{ channel: string; args: unknown[] }>,
    send(channel: string, ...args: unknown[]) {
      ipcRenderer.sent.push({ channel, args });
    },
    async invoke(channel: string, ...args: unknown[]) {
      ipcRenderer.invoked.push({ channel, args });
      return null;
    },
  });

  const module = {
    app,
    ipcMain,
    ipcRenderer,
    BrowserWindow: FakeBrowserWindow,
    MessageChannelMain: FakeMessageChannelMain,
    contextBridge: {
      exposeInMainWorld(name: string, api: unknown) {
        state.exposed[name] = api;
      },
    },
    utilityProcess: {
      fork(modulePath: string, args: string[] = [], options: Record<string, unknown> = {}) {
        const child = new FakeUtilityProcess(modulePath, args, options);
        state.forks.push(child);
        return child;
      },
    },
    safeStorage: {
      isEncryptionAvailable: () => state.encryptionAvailable,
      encryptString: (text: string) => Buffer.from(`sealed:${Buffer.from(text).toString('hex')}`),
      decryptString: (sealed: Buffer) => {
        const text = sealed.toString();
        if (!text.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
        return Buffer.from(text.slice('sealed:'.length), 'hex').toString();
      },
      getSelectedStorageBackend: () => state.backend,
    },
    shell: {
      opened: [] as string[],
      openedPaths: [] as string[],
      async openExternal(url: string) {
        module.shell.opened.push(url);
      },
      async openPath(target: string) {
        module.shell.openedPaths.push(target);
        return '';
      },
    },
    session: {
      defaultSession: {
        webRequest: {
          onHeadersReceived(listener: (details: unknown, callback: (response: unknown) => void) => void) {
            state.headersListener = listener;
          },
        },
        setPermissionRequestHandler(handler: typeof state.permissionRequest) {
          state.permissionRequest = handler;
        },
        setPermissionCheckHandler(handler: typeof state.permissionCheck) {
          state.permissionCheck = handler;
        },
      },
      /** One session per partition name, as Electron keeps them. */
      fromPartition(partition: string): FakeSession {
        const existing = state.partitions.get(partition);
        if (existing !== undefined) return existing;
        const made = new FakeSession(partition);
        state.partitions.set(partition, made);
        return made;
      },
    },
    Menu: {
      buildFromTemplate: (template: Array<Record<string, unknown>>) => ({ template }),
      setApplicationMenu(menu: { template: Array<Record<string, unknown>> }) {
        state.menu = menu;
      },
    },
    dialog: {
      errors: [] as Array<{ title: string; content: string }>,
      openResult: { canceled: true, filePaths: [] as string[] },
      saveResult: { canceled: true, filePath: undefined as string | undefined },
      openCalls: [] as unknown[][],
      saveCalls: [] as unknown[][],
      async showOpenDialog(...args: unknown[]) {
        module.dialog.openCalls.push(args);
        return module.dialog.openResult;
      },
      async showSaveDialog(...args: unknown[]) {
        module.dialog.saveCalls.push(args);
        return module.dialog.saveResult;
      },
      showErrorBox(title: string, content: string) {
        module.dialog.errors.push({ title, content });
      },
    },
    protocol: {
      registerSchemesAsPrivileged(schemes: unknown[]) {
        state.privilegedSchemes.push(...schemes);
      },
      handle(scheme: string, handler: (request: { url: string; method: string }) => Promise<Response>) {
        state.protocolHandlers.set(scheme, handler);
      },
    },
    nativeTheme: { themeSource: 'system', shouldUseDarkColors: false },
  };

  const fake = Object.assign(state, {
    module: { ...module, default: module },
    app,
    ipcMain,
    ipcRenderer,
    /** Forgets every window, fork, handler and listener, and resets the knobs. */
    reset() {
      state.windows.length = 0;
      state.forks.length = 0;
      state.channels.length = 0;
      state.handlers.clear();
      state.protocolHandlers.clear();
      state.privilegedSchemes.length = 0;
      state.headersListener = undefined;
      state.permissionRequest = undefined;
      state.permissionCheck = undefined;
      state.menu = undefined;
      state.partitions.clear();
      state.exposed = {};
      state.lock = true;
      state.backend = 'gnome_libsecret';
      state.encryptionAvailable = true;
      app.removeAllListeners();
      app.isPackaged = false;
      app.quitCalls = 0;
      ipcMain.removeAllListeners();
      ipcRenderer.removeAllListeners();
      ipcRenderer.sent.length = 0;
      ipcRenderer.invoked.length = 0;
      module.shell.opened.length = 0;
      module.shell.openedPaths.length = 0;
      module.dialog.errors.length = 0;
      module.dialog.openCalls.length = 0;
      module.dialog.saveCalls.length = 0;
      module.dialog.openResult = { canceled: true, filePaths: [] };
      module.dialog.saveResult = { canceled: true, filePath: undefined };
      module.nativeTheme.themeSource = 'system';
    },
  });
  return fake;
}

export const fake = createFake();

/** In-memory settings backend: what electron-store would keep in settings.json. */
export function memoryBackend(initial: Record<string, unknown> = {}): { data: Map<string, unknown>; get(key: string): unknown; set(key: string, value: unknown): void } {
  const data = new Map(Object.entries(initial));
  return { data, get: (key) => data.get(key), set: (key, value) => void data.set(key, value) };
}
