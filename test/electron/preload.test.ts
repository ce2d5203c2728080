import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, FakePort } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fake.module);

const { createShellApi } = await import('../../electron/preload.ts');
/** What loading the preload exposed, before any test resets the fake. */
const exposed = fake.exposed.switchboard as Record<string, unknown>;

function page() {
  const posted: Array<{ message: unknown; targetOrigin: string; transfer: unknown[] | undefined }> = [];
  return { posted, postMessage: (message: unknown, targetOrigin: string, transfer?: unknown[]) => posted.push({ message, targetOrigin, transfer }) };
}

beforeEach(() => fake.reset());

describe('the preload', () => {
  it('exposes window.switchboard with the port handoff, two dialogs and menu events, and nothing else', () => {
    const api = exposed;
    expect(Object.keys(api).sort()).toEqual(['connect', 'onMenu', 'openPlaybookFile', 'savePlaybookFile']);
    expect(Object.values(api).every((value) => typeof value === 'function')).toBe(true);
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/ipc|send|invoke|require|process/i);
  });

  it('forwards the port main sends to the page with window.postMessage and transfer', () => {
    const target = page();
    createShellApi(fake.ipcRenderer, target);
    const port = new FakePort();
    fake.ipcRenderer.emit('switchboard:port', { ports: [port] });
    expect(target.posted).toEqual([{ message: 'switchboard:port', targetOrigin: '*', transfer: [port] }]);
    fake.ipcRenderer.emit('switchboard:port', { ports: [] });
    expect(target.posted).toHaveLength(1);
  });

  it('sends only fixed channels with only the typed arguments', async () => {
    const api = createShellApi(fake.ipcRenderer, page());
    api.connect();
    await api.openPlaybookFile();
    await api.savePlaybookFile({ suggestedName: 'a.playbook.json', text: '{}', extra: 'dropped' } as never);
    expect(fake.ipcRenderer.sent).toEqual([{ channel: 'switchboard:connect', args: [] }]);
    expect(fake.ipcRenderer.invoked).toEqual([
      { channel: 'switchboard:open-playbook', args: [] },
      { channel: 'switchboard:save-playbook', args: [{ suggestedName: 'a.playbook.json', text: '{}' }] },
    ]);
  });

  it('keeps menu events that arrive before the page listens, then delivers them in order', () => {
    const api = createShellApi(fake.ipcRenderer, page());
    const opened = { command: 'file.opened', file: { fileName: 'a.playbook.json', text: '{}' } };
    fake.ipcRenderer.emit('switchboard:shell-event', {}, opened);
    const seen: unknown[] = [];
    const stop = api.onMenu((event) => seen.push(event));
    fake.ipcRenderer.emit('switchboard:shell-event', {}, { command: 'run.step' });
    stop();
    fake.ipcRenderer.emit('switchboard:shell-event', {}, { command: 'run.stop' });
    expect(seen).toEqual([opened, { command: 'run.step' }]);
  });
});
