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
import { SkipLinks } from './skip-links.tsx';
import { addressFor, playbookInAddress } from './home/address.ts';
import { HomeView } from './home/home-view.tsx';
import { goHome, openFromHome } from './home/navigation.ts';

/**
 * The window: a top bar (where you are, save state, run controls, theme) over either home (the
 * workspace's playbooks) or the editor: the palette on the left, the canvas in the middle and
 * the panels on the right. One ReactFlowProvider spans them so the palette can place nodes in
 * the visible part of the canvas.
 */
export function App() {
  useDesktopMenu();
  useViewInAddress();
  useUnsavedGuard();
  const view = useStore((s) => s.view);
  return (
    <ReactFlowProvider>
      {view === 'home' ? (
        <div className="sb-app sb-app-home">
          <TopBar />
          <HomeView />
        </div>
      ) : (
        <div className="sb-app">
          <SkipLinks />
          <TopBar />
          <Palette />
          <main className="sb-main" aria-label="Playbook editor">
            <FlowCanvas />
          </main>
          <div className="sb-side">
            <SidePanel />
          </div>
        </div>
      )}
    </ReactFlowProvider>
  );
}

function TopBar() {
  const home = useStore((s) => s.view === 'home');
  return (
    <header className="sb-topbar">
      <span className="sb-brand" aria-hidden="true">
        Switchboard
      </span>
      {home ? (
        <>
          <HomeTitle />
          <div className="sb-topbar-fill" />
        </>
      ) : (
        <>
          <button type="button" className="sb-home-button" onClick={() => void goHome()} title="Back to the list of playbooks">
            All playbooks
          </button>
          <PlaybookTitle />
          <SaveState />
          <div className="sb-topbar-run">
            <RunToolbar />
          </div>
        </>
      )}
      <ConnectionBadge />
      <UserBadge />
      <ThemeToggle />
    </header>
  );
}

function HomeTitle() {
  useEffect(() => {
    document.title = 'Playbooks — Switchboard';
  }, []);
  return <h1 className="sb-title">Playbooks</h1>;
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
 * Loads the catalogue and, for a playbook link (`?playbook=<id>`), opens that playbook; the plain
 * address shows home. Called by main.tsx before the first render, so these requests reach the
 * host ahead of the panels' (the host answers in order, and a workspace listing can take a while).
 */
export function startEditor(): void {
  void useStore.getState().loadCatalogue();
  const wanted = playbookInAddress(window.location.href);
  if (wanted === undefined) return;
  void (async () => {
    try {
      if (useStore.getState().playbook === undefined) await useStore.getState().openPlaybook(wanted);
    } catch (error) {
      useStore.getState().setView('home');
      useStore.getState().notify('error', `The playbook could not be opened: ${error instanceof Error ? error.message : String(error)}`);
    }
  })();
}

/**
 * Keeps the address in step with the view: `?playbook=<id>` while a playbook is in the editor
 * (a reload reopens it), the plain address at home. Moving between them adds a history entry,
 * so the browser's Back and Forward move between home and playbooks too (through the guard).
 */
function useViewInAddress(): void {
  const view = useStore((s) => s.view);
  const id = useStore((s) => s.playbook?.id);
  const shownId = view === 'editor' ? id : undefined;
  useEffect(() => {
    // In the editor before the playbook has loaded, the address already names it.
    if (view === 'editor' && id === undefined) return;
    const next = addressFor(window.location.href, shownId);
    if (next === window.location.href) return;
    const wasHome = playbookInAddress(window.location.href) === undefined;
    if (wasHome !== (shownId === undefined)) window.history.pushState(window.history.state, '', next);
    else window.history.replaceState(window.history.state, '', next);
  }, [view, id, shownId]);

  useEffect(() => {
    const onPopState = () => {
      const wanted = playbookInAddress(window.location.href);
      const state = useStore.getState();
      const shown = state.view === 'editor' ? state.playbook?.id : undefined;
      if (wanted === shown) return;
      // Back to where the app still is when the guard keeps it there.
      const stay = () => window.history.pushState(window.history.state, '', addressFor(window.location.href, shown));
      void (wanted === undefined ? goHome() : openFromHome(wanted)).then((moved) => moved || stay());
    };
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);
}

/** Asks before the window closes with unsaved changes in the editor (home holds none). */
function useUnsavedGuard(): void {
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      const state = useStore.getState();
      if (state.view !== 'editor' || !state.dirty) return;
      event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);
}
