import { useEffect } from 'react';
import type { KeyboardEvent } from 'react';
import { useStore } from '../store/index.ts';
import type { UiSlice } from '../store/types.ts';
import { CredentialsPanel } from './credentials-panel.tsx';
import { ConfirmDialog, Toast } from './dialogs.tsx';
import { Inspector } from './inspector.tsx';
import { PlaybooksPanel } from './playbooks-panel.tsx';
import { RunHistory } from './run-history.tsx';
import { RunPanel } from './run-panel.tsx';
import { ShareControls } from './share.tsx';
import { TriggersPanel } from './triggers-panel.tsx';
import './panels.css';

type Tab = UiSlice['panel'];

const TABS: ReadonlyArray<{ id: Tab; label: string }> = [
  { id: 'inspector', label: 'Inspector' },
  { id: 'run', label: 'Run' },
  { id: 'history', label: 'History' },
  { id: 'triggers', label: 'Triggers' },
  { id: 'credentials', label: 'Credentials' },
  { id: 'playbooks', label: 'Playbooks' },
];

function PanelBody({ tab }: { tab: Tab }) {
  switch (tab) {
    case 'inspector':
      return <Inspector />;
    case 'run':
      return <RunPanel />;
    case 'history':
      return <RunHistory />;
    case 'triggers':
      return <TriggersPanel />;
    case 'credentials':
      return <CredentialsPanel />;
    case 'playbooks':
      return <PlaybooksPanel />;
  }
}

/** Live updates from the host: run events, and fresh lists when another window changes them. */
function useHostEvents(): void {
  useEffect(() => {
    const state = useStore.getState();
    const offRuns = state.initRunEvents();
    const offWorkspace = state.initWorkspaceEvents();
    const quiet = () => undefined;
    state.refreshCredentials().catch(quiet);
    state.refreshPlaybooks().catch(quiet);
    state.loadHost().catch(quiet);
    return () => {
      offRuns();
      offWorkspace();
    };
  }, []);
}

/**
 * The panel beside the canvas: Export and Import, then tabs for the inspector, the
 * shown run, run history, triggers and their events, credentials and playbooks (WAI-ARIA tabs: arrow keys move between them).
 */
export function SidePanel() {
  const panel = useStore((state) => state.panel);
  const setPanel = useStore((state) => state.setPanel);
  const problemCount = useStore((state) => state.problems.filter((problem) => problem.severity === 'error').length);
  useHostEvents();

  function onKeyDown(event: KeyboardEvent): void {
    const at = TABS.findIndex((tab) => tab.id === panel);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = TABS[(at + step + TABS.length) % TABS.length];
    if (next === undefined) return;
    setPanel(next.id);
    document.getElementById(`tab-${next.id}`)?.focus();
  }

  return (
    <aside className="side-panel" aria-label="Side panel">
      <div className="side-panel-bar">
        <ShareControls />
      </div>
      <div className="tabs" role="tablist" aria-label="Panels" onKeyDown={onKeyDown}>
        {TABS.map((tab) => (
          <button
            key={tab.id}
            id={`tab-${tab.id}`}
            type="button"
            role="tab"
            aria-selected={panel === tab.id}
            aria-controls={`tabpanel-${tab.id}`}
            tabIndex={panel === tab.id ? 0 : -1}
            onClick={() => setPanel(tab.id)}
          >
            {tab.label}
            {tab.id === 'inspector' && problemCount > 0 ? (
              <span className="count" aria-hidden="true" title={`${problemCount} ${problemCount === 1 ? 'error' : 'errors'}`}>
                {problemCount}
              </span>
            ) : null}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel" id={`tabpanel-${panel}`} aria-labelledby={`tab-${panel}`} tabIndex={0}>
        <PanelBody tab={panel} />
      </div>
      <Toast />
      <ConfirmDialog />
    </aside>
  );
}
