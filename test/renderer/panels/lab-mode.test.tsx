// @vitest-environment happy-dom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../engine/run/events.ts';
import type { CredentialView, HostInfo, RunSummary } from '../../../host/protocol/contract.ts';
import { CredentialsPanel } from '../../../renderer/panels/credentials-panel.tsx';
import { ProblemsList, runSlotProblems } from '../../../renderer/panels/problems-list.tsx';
import { RunHistory } from '../../../renderer/panels/run-history.tsx';
import { RunPanel } from '../../../renderer/panels/run-panel.tsx';
import { RunToolbar } from '../../../renderer/panels/run-toolbar.tsx';
import { SlotBindingSelect } from '../../../renderer/panels/slot-binding.tsx';
import { rpc } from '../../../renderer/rpc/index.ts';
import type { FakeTransport } from '../../../renderer/rpc/fake-transport.ts';
import { useStore } from '../../../renderer/store/index.ts';
import { fakeHost, resetStore, settle } from './fixture.ts';

const withLab: HostInfo = {
  version: '0.0.0',
  workspace: '/tmp/ws',
  vault: { protection: 'environment', detail: 'test' },
  lab: { running: true, twins: [{ id: 'virustotal', name: 'VirusTotal', url: 'http://127.0.0.1:4100' }] },
};
const labCredential: CredentialView = { id: 'lab-virustotal', name: 'Lab VirusTotal', connector: 'virustotal', fields: { apiKey: { set: true } }, secretFields: ['apiKey'], updatedAt: 1, lab: true };
const prodCredential: CredentialView = { id: 'vt-prod', name: 'VT prod', connector: 'virustotal', fields: { apiKey: { set: true } }, secretFields: ['apiKey'], updatedAt: 1 };
const UNBOUND = 'credential slot "virustotal" (virustotal) is not bound; used by node lookup — bind it or run in lab mode';

/** A run of the sample playbook whose lookup called a twin; `lab` says whether it ran in lab mode. */
function labRunEvents(lab: boolean): RunEvent[] {
  const base = { runId: 'r1' };
  return [
    { ...base, seq: 1, at: 1_000, type: 'run.started', playbookId: 'triage', playbookName: 'Triage', revision: 3, mode: 'run', dryRun: false, trigger: {}, nodeIds: ['start', 'lookup', 'check'], ...(lab ? { lab: true as const } : {}) },
    { ...base, seq: 2, at: 1_010, type: 'node.started', nodeId: 'lookup', attempt: 1, input: { url: 'http://bad.example' }, lab: true },
    { ...base, seq: 3, at: 1_250, type: 'node.succeeded', nodeId: 'lookup', attempt: 1, output: { verdict: 'malicious' }, port: 'out', durationMs: 240 },
  ];
}

function receive(events: RunEvent[]): void {
  act(() => {
    for (const event of events) useStore.getState().receive(event);
  });
}

let host: FakeTransport;
let runs: RunSummary[];

beforeEach(() => {
  runs = [];
  host = fakeHost({
    'host.info': () => withLab,
    'settings.get': () => ({ settings: { labMode: true } }),
    'settings.save': ({ labMode }) => ({ settings: { labMode: labMode ?? false } }),
    'runs.start': () => ({ runId: 'r2' }),
    'runs.list': () => ({ runs }),
    'credentials.list': () => ({ credentials: [labCredential, prodCredential] }),
  });
  resetStore();
});

afterEach(() => rpc.disconnect());

describe('the Lab toggle', () => {
  it('is off until chosen; turning it on is remembered in the workspace and starts runs in lab mode', async () => {
    act(() => useStore.setState({ host: withLab }));
    render(<RunToolbar />);
    const toggle = screen.getByRole('button', { name: 'Lab' });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    await settle();
    expect(host.sent.find((frame) => frame.method === 'runs.start')?.params).toMatchObject({ playbookId: 'triage', lab: false });

    fireEvent.click(toggle);
    await settle();
    expect(host.sent.find((frame) => frame.method === 'settings.save')?.params).toEqual({ labMode: true });
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    await settle();
    expect(host.sent.filter((frame) => frame.method === 'runs.start').at(-1)?.params).toMatchObject({ playbookId: 'triage', lab: true });
  });

  it('comes back as the workspace settings left it', async () => {
    await useStore.getState().loadHost();
    expect(useStore.getState()).toMatchObject({ labMode: true, host: withLab });
  });

  it('cannot be turned on when the host runs no lab', () => {
    act(() => useStore.setState({ host: { ...withLab, lab: { running: false, twins: [] } } }));
    render(<RunToolbar />);
    const toggle = screen.getByRole('button', { name: 'Lab' }) as HTMLButtonElement;
    expect(toggle.disabled).toBe(true);
    expect(toggle.title).toMatch(/not running/);
  });
});

describe('the LAB badge', () => {
  it('marks a lab run on the toolbar, in its header and timeline, and on the node that called a twin', () => {
    receive(labRunEvents(true));
    act(() => useStore.getState().select('lookup'));
    render(
      <>
        <RunToolbar />
        <RunPanel />
      </>,
    );
    expect(within(screen.getByRole('toolbar', { name: 'Run controls' })).getByText('LAB')).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Run status' })).getByText('LAB').getAttribute('title')).toMatch(/^A lab run/);
    expect(within(screen.getByRole('heading', { name: /^Timeline/ })).getByText('LAB')).toBeTruthy();
    const timeline = screen.getByRole('list', { name: 'Timeline' });
    expect(within(timeline).getAllByText('LAB')).toHaveLength(2);
    expect(within(screen.getByRole('region', { name: 'Lookup' })).getByText('LAB')).toBeTruthy();
    expect(useStore.getState().nodeLab).toEqual({ lookup: true });
  });

  it('marks the node, not the run, when a lab credential served a run outside lab mode', () => {
    receive(labRunEvents(false));
    render(
      <>
        <RunToolbar />
        <RunPanel />
      </>,
    );
    expect(within(screen.getByRole('toolbar', { name: 'Run controls' })).queryByText('LAB')).toBeNull();
    expect(within(screen.getByRole('region', { name: 'Run status' })).getByText('LAB').getAttribute('title')).toBe('Not a lab run, but Lookup called lab twins through lab credentials');
    expect(within(screen.getByRole('list', { name: 'Timeline' })).getAllByText('LAB')).toHaveLength(1);
  });

  it('shows nothing of the lab for a run that touched no twin', () => {
    receive(labRunEvents(false).map((event) => (event.type === 'node.started' ? { ...event, lab: undefined } : event)));
    render(<RunPanel />);
    expect(screen.queryByText('LAB')).toBeNull();
    expect(useStore.getState().nodeLab).toEqual({});
  });

  it('marks lab runs in the run history', async () => {
    const plain: RunSummary = { runId: 'r3', playbookId: 'triage', playbookName: 'Triage', status: 'succeeded', mode: 'run', dryRun: false, startedAt: 3, durationMs: 5, trigger: {} };
    runs = [plain, { ...plain, runId: 'r2', startedAt: 2, lab: true }, { ...plain, runId: 'r1', startedAt: 1, labNodes: ['lookup'] }];
    render(<RunHistory />);
    await settle();
    const items = within(screen.getByRole('list', { name: 'Past runs, newest first' })).getAllByRole('listitem');
    expect(items.map((item) => within(item).queryByText('LAB')?.getAttribute('title') ?? null)).toEqual([
      null,
      'A lab run: unbound credential slots used the lab’s vendor twins',
      'Not a lab run, but lookup called lab twins through lab credentials',
    ]);
  });

  it('tags lab credentials in the credentials panel and the slot dropdown', async () => {
    act(() => useStore.setState({ slots: [{ slot: 'virustotal', connector: 'virustotal', credentialId: 'lab-virustotal' }] }));
    render(
      <>
        <CredentialsPanel />
        <SlotBindingSelect slot="virustotal" connector="virustotal" />
      </>,
    );
    await settle();
    const list = screen.getByRole('list', { name: 'Stored credentials' });
    const [lab, prod] = within(list).getAllByRole('listitem');
    expect(within(lab as HTMLElement).getByText('LAB')).toBeTruthy();
    expect(within(prod as HTMLElement).queryByText('LAB')).toBeNull();
    const select = screen.getByLabelText(/Credential for slot/) as HTMLSelectElement;
    expect([...select.options].map((option) => option.textContent)).toEqual(['Not bound', 'Lab VirusTotal [LAB]', 'VT prod']);
    expect(select.parentElement?.querySelector('.badge-lab')?.getAttribute('title')).toMatch(/lab’s vendor twin, not the real tool/);
  });
});

describe('the problems list before a run', () => {
  it('names an unbound slot and the nodes using it outside lab mode, and drops it in lab mode when the lab has its twin', () => {
    act(() => useStore.setState({ host: withLab, slots: [{ slot: 'virustotal', connector: 'virustotal', credentialId: null }] }));
    render(<ProblemsList />);
    expect(within(screen.getByRole('list', { name: 'Problems' })).getByRole('button', { name: `${UNBOUND}. Go to Lookup.` })).toBeTruthy();
    act(() => useStore.setState({ labMode: true }));
    expect(screen.getByText('No problems: the playbook is valid.')).toBeTruthy();
    act(() => useStore.setState({ host: { ...withLab, lab: { running: true, twins: [] } } }));
    expect(screen.getByText(/is not bound; used by node lookup — bind it \(the lab has no virustotal twin\)/)).toBeTruthy();
  });

  it('never asks to bind a trigger\'s slot for a run: a webhook secret verifies deliveries, no run uses it', () => {
    const credentials = { siem_webhook: { connector: 'webhook' }, virustotal: { connector: 'virustotal' } };
    const usage = JSON.stringify([
      ['alert', 'siem_webhook', 'trigger.webhook@1'],
      ['lookup', 'virustotal', 'virustotal.ip_report@1'],
    ]);
    const slots = [
      { slot: 'siem_webhook', connector: 'webhook', credentialId: null },
      { slot: 'virustotal', connector: 'virustotal', credentialId: null },
    ];
    expect(runSlotProblems(credentials, usage, slots, false, undefined).map((p) => p.path)).toEqual(['credentials.virustotal']);
  });

  it('lists no slot problem once the slot is bound, or when no enabled node uses it', () => {
    act(() => useStore.setState({ slots: [{ slot: 'virustotal', connector: 'virustotal', credentialId: 'vt-prod' }] }));
    render(<ProblemsList />);
    expect(screen.queryByText(UNBOUND)).toBeNull();
    act(() => useStore.setState({ slots: [{ slot: 'virustotal', connector: 'virustotal', credentialId: null }] }));
    expect(screen.getByText(UNBOUND)).toBeTruthy();
    act(() => useStore.getState().updateNode('lookup', { disabled: true }));
    expect(screen.queryByText(UNBOUND)).toBeNull();
  });
});
