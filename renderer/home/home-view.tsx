import { useEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, MouseEvent } from 'react';
import { ConfirmDialog, Toast } from '../panels/dialogs.tsx';
import { formatDateTime } from '../panels/format.ts';
import { NewPlaybookForm } from '../panels/playbooks-panel.tsx';
import { ImportControl } from '../panels/share.tsx';
import { useStore } from '../store/index.ts';
import { addressFor } from './address.ts';
import { guidedStart } from './guided-start.ts';
import { homeRows, timeAgo } from './home-rows.ts';
import type { HomeRow } from './home-rows.ts';
import { openFromHome } from './navigation.ts';
import { useHomeData } from './use-home-data.ts';
import './home.css';

/**
 * What the app opens on: the workspace's playbooks with their size, last run and trigger state,
 * "New playbook" and "Import", and on a workspace that never ran anything a one-line guided
 * start. A playbook opens by its name or its row (click, or Enter on the focused row). The root
 * carries the panels' class so buttons, dialogs and the toast look as they do beside the canvas.
 */
export function HomeView() {
  const { playbooksListed, runsListed } = useHomeData();
  const playbooks = useStore((state) => state.playbooks);
  const runs = useStore((state) => state.lastRuns);
  const triggerStates = useStore((state) => state.triggerStates);
  const rows = useMemo(() => homeRows(playbooks, runs, triggerStates), [playbooks, runs, triggerStates]);
  // Back from the editor, keyboard focus lands on the row of the playbook just left.
  const [cameFrom] = useState(() => useStore.getState().playbook?.id);

  return (
    <main className="sb-home side-panel" aria-label="Playbooks">
      <div className="sb-home-column">
        {runsListed ? <GuidedStartCard /> : null}
        <HomeActions />
        {rows.length > 0 ? (
          <PlaybookTable rows={rows} focusId={cameFrom} />
        ) : playbooksListed ? (
          <p className="muted">No playbooks yet: create one, or import a shared *.playbook.json file.</p>
        ) : (
          <p className="muted" role="status">
            Reading the playbooks…
          </p>
        )}
      </div>
      <Toast />
      <ConfirmDialog />
    </main>
  );
}

function GuidedStartCard() {
  const playbooks = useStore((state) => state.playbooks);
  const runCount = useStore((state) => state.lastRuns.length);
  const credentials = useStore((state) => state.credentials);
  const labMode = useStore((state) => state.labMode);
  const labRunning = useStore((state) => state.host?.lab.running === true);
  // Until the host has said whether the lab runs, say nothing rather than guess.
  const known = useStore((state) => state.host !== undefined);
  const start = known ? guidedStart({ playbooks, runCount, credentials, labMode, labRunning }) : undefined;
  if (start === undefined) return null;
  return (
    <section className="sb-home-start" aria-label="Getting started">
      <h2>Getting started</h2>
      <p>{start.text}</p>
      <button type="button" className="primary" onClick={() => void openFromHome(start.playbookId)}>
        Open {start.playbookName}
      </button>
    </section>
  );
}

function HomeActions() {
  return (
    <div className="sb-home-actions">
      <NewPlaybookForm inputId="home-new-playbook-name" placeholder="Name of a new playbook" />
      <div className="row">
        <ImportControl />
      </div>
    </div>
  );
}

function PlaybookTable({ rows, focusId }: { rows: readonly HomeRow[]; focusId: string | undefined }) {
  const now = Date.now();
  const body = useRef<HTMLTableSectionElement>(null);
  const focused = useRef(false);
  useEffect(() => {
    if (focused.current || focusId === undefined) return;
    const row = [...(body.current?.querySelectorAll('tr') ?? [])].find((element) => element.dataset.playbookId === focusId);
    if (row === undefined) return;
    focused.current = true;
    row.focus();
  }, [rows, focusId]);
  return (
    <table className="sb-home-table" aria-label="Playbooks">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col" className="numeric">
            Nodes
          </th>
          <th scope="col">Last run</th>
          <th scope="col">Triggers</th>
        </tr>
      </thead>
      <tbody ref={body}>
        {rows.map((row) => (
          <PlaybookRow key={row.id} row={row} now={now} />
        ))}
      </tbody>
    </table>
  );
}

function PlaybookRow({ row, now }: { row: HomeRow; now: number }) {
  const open = () => void openFromHome(row.id);
  const onRowKey = (event: KeyboardEvent<HTMLTableRowElement>) => {
    if (event.key !== 'Enter' || event.target !== event.currentTarget) return;
    event.preventDefault();
    open();
  };
  const onName = (event: MouseEvent<HTMLAnchorElement>) => {
    // A plain click opens it here; Ctrl/⌘-click or a middle click keeps the browser's new tab.
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    event.stopPropagation();
    open();
  };
  return (
    <tr tabIndex={0} data-playbook-id={row.id} aria-label={row.name} onClick={open} onKeyDown={onRowKey}>
      <td>
        <a className="sb-home-name" href={addressFor(window.location.href, row.id)} onClick={onName}>
          {row.name}
        </a>
        {row.errorCount > 0 ? <span className="sb-home-problems">{row.errorCount === 1 ? '1 problem' : `${row.errorCount} problems`}</span> : null}
        {row.description === '' ? null : (
          <p className="sb-home-description" title={row.description}>
            {row.description}
          </p>
        )}
      </td>
      <td className="numeric">{row.nodeCount}</td>
      <td>
        {row.lastRun === undefined ? (
          <span className="muted">Never run</span>
        ) : (
          <>
            <span className="sb-home-status" data-status={row.lastRun.status}>
              {row.lastRun.statusText}
            </span>
            <br />
            <time className="muted" dateTime={new Date(row.lastRun.startedAt).toISOString()} title={formatDateTime(row.lastRun.startedAt)}>
              {timeAgo(row.lastRun.startedAt, now) ?? formatDateTime(row.lastRun.startedAt)}
            </time>
          </>
        )}
      </td>
      <td>{row.enabled === undefined ? <span className="muted">—</span> : <span data-enabled={row.enabled}>{row.enabled ? 'Enabled' : 'Off'}</span>}</td>
    </tr>
  );
}
