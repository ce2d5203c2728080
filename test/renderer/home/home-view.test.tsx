// @vitest-environment happy-dom
import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostInfo, PlaybookSummary, RunSummary } from '../../../host/protocol/contract.ts';
import { HomeView } from '../../../renderer/home/home-view.tsx';
import { goHome } from '../../../renderer/home/navigation.ts';
import { guardUnsaved } from '../../../renderer/panels/playbooks-panel.tsx';
import { rpc } from '../../../renderer/rpc/index.ts';
import type { FakeTransport } from '../../../renderer/rpc/fake-transport.ts';
import { useStore } from '../../../renderer/store/index.ts';
import { fakeHost, resetStore, samplePlaybook, settle } from '../panels/fixture.ts';

const summary = (id: string, name: string, nodeCount: number): PlaybookSummary => ({ id, name, description: `${name}, described.`, revision: 1, tags: [], nodeCount, updatedAt: 1, slots: [] });

const playbooks = [summary('triage', 'Triage', 3), summary('suspicious-login', 'Suspicious login', 22)];
const host: HostInfo = { version: '1', workspace: '/tmp/w', vault: { protection: 'key-file', detail: '' }, lab: { running: true, twins: [] } };
const failedRun: RunSummary = { runId: 'r1', playbookId: 'triage', playbookName: 'Triage', status: 'failed', mode: 'run', dryRun: false, startedAt: Date.now() - 120_000, trigger: {} };

let transport: FakeTransport;
let runs: RunSummary[];

beforeEach(() => {
  runs = [];
  transport = fakeHost({
    'playbooks.list': () => ({ playbooks }),
    'playbooks.get': ({ id }) => ({ playbook: { ...samplePlaybook(), id, name: playbooks.find((p) => p.id === id)?.name ?? id }, problems: [], slots: [] }),
    'runs.latest': () => ({ runs }),
    'triggers.list': () => ({ playbooks: [{ playbookId: 'triage', enabled: true, savedRevision: 1, draft: false, triggers: [] }] }),
    'credentials.list': () => ({ credentials: [] }),
    'host.info': () => host,
    'settings.get': () => ({ settings: { labMode: true } }),
  });
  resetStore();
  useStore.getState().setView('home');
});

afterEach(() => rpc.disconnect());

const table = () => screen.getByRole('table', { name: 'Playbooks' });
const row = (name: string) => within(table()).getByRole('row', { name });
const opened = () => transport.sent.filter((frame) => frame.method === 'playbooks.get').map((frame) => (frame.params as { id: string }).id);

describe('the home view', () => {
  it('says it is reading the playbooks until the host has listed them', async () => {
    useStore.setState({ playbooks: [] });
    render(<HomeView />);
    expect(screen.getByRole('status').textContent).toBe('Reading the playbooks…');
    await settle();
    expect(screen.queryByText('Reading the playbooks…')).toBeNull();
    expect(within(table()).getAllByRole('row')).toHaveLength(3);
  });

  it('lists the playbooks by name with their node count, last run and trigger state', async () => {
    runs = [failedRun];
    render(<HomeView />);
    await settle();
    const rows = within(table()).getAllByRole('row').slice(1);
    expect(rows.map((element) => element.getAttribute('aria-label'))).toEqual(['Suspicious login', 'Triage']);
    const cells = within(row('Triage')).getAllByRole('cell').map((cell) => cell.textContent);
    expect(cells).toEqual(['TriageTriage, described.', '3', 'Failed2 min ago', 'Enabled']);
    expect(within(row('Suspicious login')).getAllByRole('cell').map((cell) => cell.textContent).slice(1)).toEqual(['22', 'Never run', '—']);
  });

  it("opens a playbook in the editor by its name's link", async () => {
    render(<HomeView />);
    await settle();
    const link = within(row('Suspicious login')).getByRole('link', { name: 'Suspicious login' });
    expect(link.getAttribute('href')).toMatch(/\?playbook=suspicious-login$/);
    fireEvent.click(link);
    await settle();
    expect(opened()).toEqual(['suspicious-login']);
    expect(useStore.getState().view).toBe('editor');
    expect(useStore.getState().playbook?.name).toBe('Suspicious login');
  });

  it('opens a playbook by Enter on its focused row, or a click anywhere on the row', async () => {
    render(<HomeView />);
    await settle();
    fireEvent.keyDown(row('Suspicious login'), { key: 'Enter' });
    await settle();
    expect(opened()).toEqual(['suspicious-login']);
    expect(useStore.getState().view).toBe('editor');
    useStore.getState().setView('home');
    fireEvent.click(within(row('Triage')).getByRole('cell', { name: '3' }));
    await settle();
    expect(opened()).toEqual(['suspicious-login', 'triage']);
    expect(useStore.getState().playbook?.name).toBe('Triage');
  });

  it('shows the playbook left open, unchanged, as it was (no reload)', async () => {
    useStore.getState().select('check');
    render(<HomeView />);
    await settle();
    fireEvent.click(within(row('Triage')).getByRole('link', { name: 'Triage' }));
    await settle();
    expect(opened()).toEqual([]);
    expect(useStore.getState().view).toBe('editor');
    expect(useStore.getState().selectedNodeId).toBe('check');
  });

  it('shows the guided start on a workspace with no run, and its button opens Suspicious login', async () => {
    render(<HomeView />);
    await settle();
    const start = screen.getByRole('region', { name: 'Getting started' });
    expect(start.textContent).toContain('Open Suspicious login and press Run: it runs on the lab, nothing real is touched.');
    fireEvent.click(within(start).getByRole('button', { name: 'Open Suspicious login' }));
    await settle();
    expect(opened()).toEqual(['suspicious-login']);
  });

  it('shows no guided start before the run history is read, even when the store has none yet', async () => {
    let answer: (value: { runs: RunSummary[] }) => void = () => undefined;
    transport = fakeHost({
      'playbooks.list': () => ({ playbooks }),
      'runs.latest': () => new Promise((resolve) => (answer = resolve)),
      'triggers.list': () => ({ playbooks: [] }),
      'credentials.list': () => ({ credentials: [] }),
      'host.info': () => host,
      'settings.get': () => ({ settings: { labMode: true } }),
    });
    useStore.setState({ host, runs: [] });
    render(<HomeView />);
    await settle();
    expect(screen.queryByRole('region', { name: 'Getting started' })).toBeNull();
    answer({ runs: [failedRun] });
    await settle();
    expect(screen.queryByRole('region', { name: 'Getting started' })).toBeNull();
    expect(within(row('Triage')).getAllByRole('cell')[2]?.textContent).toMatch(/^Failed/);
  });

  it('has no guided start once the workspace has a run', async () => {
    runs = [failedRun];
    render(<HomeView />);
    await settle();
    expect(screen.queryByRole('region', { name: 'Getting started' })).toBeNull();
  });

  it('refreshes the last runs when a run finishes while home is shown', async () => {
    render(<HomeView />);
    await settle();
    runs = [failedRun];
    transport.emit('run.event', { type: 'run.finished', runId: 'r1', seq: 9, at: Date.now(), status: 'failed' } as never);
    await settle();
    expect(within(row('Triage')).getAllByRole('cell')[2]?.textContent).toMatch(/^Failed/);
  });
});

describe('going home', () => {
  it('asks before leaving unsaved changes, and stays in the editor when told so', async () => {
    render(<HomeView />);
    useStore.getState().setView('editor');
    useStore.getState().updateNode('check', { name: 'Check twice' });
    const leaving = goHome();
    await settle();
    expect(useStore.getState().dialog?.message).toBe('Triage has unsaved changes. Going to the playbook list discards them.');
    useStore.getState().answerDialog(false);
    expect(await leaving).toBe(false);
    expect(useStore.getState().view).toBe('editor');

    const again = goHome();
    await settle();
    useStore.getState().answerDialog(true);
    expect(await again).toBe(true);
    expect(useStore.getState().view).toBe('home');
    // The changes were given up on the way home: creating or importing from there asks nothing more.
    expect(await guardUnsaved('Creating a playbook')).toBe(true);
    expect(useStore.getState().dialog).toBeUndefined();
  });

  it('puts keyboard focus on the row of the playbook just left', async () => {
    render(<HomeView />);
    await settle();
    expect(document.activeElement).toBe(row('Triage'));
  });

  it('reopens the saved file when the discarded playbook is opened again from home', async () => {
    useStore.getState().setView('editor');
    useStore.getState().updateNode('check', { name: 'Check twice' });
    const leaving = goHome();
    await settle();
    useStore.getState().answerDialog(true);
    await leaving;
    render(<HomeView />);
    await settle();
    fireEvent.click(within(row('Triage')).getByRole('link', { name: 'Triage' }));
    await settle();
    expect(opened()).toEqual(['triage']);
    expect(useStore.getState().dirty).toBe(false);
    expect(useStore.getState().nodes.find((node) => node.id === 'check')?.data).toMatchObject({ node: { name: 'Check' } });
  });
});
