import { ReactFlowProvider } from '@xyflow/react';
import { useEffect, useState } from 'react';
import { FlowCanvas } from './canvas/flow-canvas.tsx';
import { Palette } from './canvas/palette.tsx';
import { RunToolbar } from './panels/run-toolbar.tsx';
import { SidePanel } from './panels/side-panel.tsx';
import { UserBadge } from './panels/user-badge.tsx';
import { rpc } from './rpc/index.ts';
import type { ConnectionState } from './rpc/index.ts';
import { useStore } from './store/index.ts';
import { useDesktopMenu } from './desktop-menu.ts';

/**
 * The window: a top bar (playbook, save state, run controls, theme), the palette on the left,
 * the canvas in the middle and the panels on the right. One ReactFlowProvider spans them so
 * the palette can place nodes in the visible part of the canvas.
 */
export function App() {
  useDesktopMenu();
  usePlaybookInAddress();
  useUnsavedGuard();
  return (
    <ReactFlowProvider>
      <div className="sb-app">
        <TopBar />
        <Palette />
        <main className="sb-main" aria-label="Playbook editor">
          <FlowCanvas />
        </main>
        <div className="sb-side">
          <SidePanel />
        </div>
      </div>
    </ReactFlowProvider>
  );
}

function TopBar() {
  return (
    <header className="sb-topbar">
      <span className="sb-brand" aria-hidden="true">
        Switchboard
      </span>
      <PlaybookTitle />
      <SaveState />
      <div className="sb-topbar-run">
        <RunToolbar />
      </div>
      <ConnectionBadge />
      <UserBadge />
      <ThemeToggle />
    </header>
  );
}

function PlaybookTitle() {
  const name = useStore((s) => s.playbook?.name);
  const dirty = useStore((s) => s.dirty);
  useEffect(() => {
    document.title = name === undefined ? 'Switchboard' : `${dirty ? '• ' : ''}${name} — Switchboard`;
  }, [name, dirty]);
  return <h1 className="sb-title">{name ?? 'No playbook open'}</h1>;
}

function SaveState() {
  const open = useStore((s) => s.playbook !== undefined);
  const dirty = useStore((s) => s.dirty);
  const saving = useStore((s) => s.saving);
  const failed = useStore((s) => s.saveError !== undefined);
  const save = useStore((s) => s.save);
  if (!open) return null;
  const text = saving ? 'Saving…' : failed && dirty ? 'Not saved' : dirty ? 'Unsaved changes' : 'Saved';
  const state = saving ? 'saving' : failed && dirty ? 'failed' : dirty ? 'dirty' : 'saved';
  return (
    <div className="sb-save">
      <span className="sb-save-state" role="status" data-state={state}>
        {text}
      </span>
      <button type="button" onClick={() => void save()} disabled={saving || !dirty} title="Save (Ctrl/⌘ S)">
        Save
      </button>
    </div>
  );
}

function ConnectionBadge() {
  const [state, setState] = useState<ConnectionState>(rpc.state);
  useEffect(() => {
    setState(rpc.state);
    return rpc.onState(setState);
  }, []);
  if (state === 'open') return null;
  return (
    <span className="sb-connection" role="status">
      {state === 'connecting' ? 'Connecting to the host…' : 'Not connected to the host'}
    </span>
  );
}

function ThemeToggle() {
  const theme = useStore((s) => s.theme);
  const setTheme = useStore((s) => s.setTheme);
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button type="button" className="sb-theme" onClick={() => setTheme(next)} aria-label={`Switch to ${next} theme`} title={`Switch to ${next} theme`}>
      {theme === 'dark' ? 'Light' : 'Dark'}
    </button>
  );
}

/**
 * Loads the catalogue and opens `?playbook=<id>`, or else the workspace's first playbook. Called
 * by main.tsx before the first render, so these requests reach the host ahead of the panels'
 * (the host answers in order, and a workspace listing can take a while).
 */
export function startEditor(): void {
  void useStore.getState().loadCatalogue();
  void (async () => {
    try {
      const wanted = new URLSearchParams(window.location.search).get('playbook');
      const id = wanted ?? (await rpc.call('playbooks.list', {})).playbooks[0]?.id;
      if (id !== undefined && useStore.getState().playbook === undefined) await useStore.getState().openPlaybook(id);
    } catch (error) {
      useStore.getState().notify('error', `The playbook could not be opened: ${error instanceof Error ? error.message : String(error)}`);
    }
  })();
}

/** Keeps `?playbook=<id>` in the address, so a reload reopens the playbook being edited. */
function usePlaybookInAddress(): void {
  const id = useStore((s) => s.playbook?.id);
  useEffect(() => {
    if (id === undefined) return;
    const url = new URL(window.location.href);
    if (url.searchParams.get('playbook') === id) return;
    url.searchParams.set('playbook', id);
    window.history.replaceState(window.history.state, '', url);
  }, [id]);
}

/** Asks before the window closes with unsaved changes. */
function useUnsavedGuard(): void {
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!useStore.getState().dirty) return;
      event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);
}
