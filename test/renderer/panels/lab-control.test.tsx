// @vitest-environment happy-dom
import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostInfo } from '../../../host/protocol/contract.ts';
import { CredentialsPanel } from '../../../renderer/panels/credentials-panel.tsx';
import { ConfirmDialog, Toast } from '../../../renderer/panels/dialogs.tsx';
import { rpc } from '../../../renderer/rpc/index.ts';
import type { FakeTransport } from '../../../renderer/rpc/fake-transport.ts';
import { useStore } from '../../../renderer/store/index.ts';
import { fakeHost, resetStore, settle } from './fixture.ts';

const twins = [
  { id: 'okta', name: 'Okta', url: 'http://127.0.0.1:4101' },
  { id: 'jira', name: 'Jira Cloud', url: 'http://127.0.0.1:4102' },
];

function hostInfo(lab: HostInfo['lab']): HostInfo {
  return { version: '0.0.0', workspace: '/tmp/ws', vault: { protection: 'key-file', detail: 'vault.key' }, lab };
}

let host: FakeTransport;
let failReset: boolean;

beforeEach(() => {
  failReset = false;
  host = fakeHost({
    'credentials.list': () => ({ credentials: [] }),
    'lab.reset': () => {
      if (failReset) throw new Error('no lab runs in this host, so there is none to reset');
      return { twins: twins.length };
    },
  });
  resetStore();
});

afterEach(() => rpc.disconnect());

function renderPanel() {
  render(
    <>
      <CredentialsPanel />
      <ConfirmDialog />
      <Toast />
    </>,
  );
}

function resets(): number {
  return host.sent.filter((frame) => frame.method === 'lab.reset').length;
}

describe('Reset lab, beside the credentials', () => {
  it('resets the host’s lab once confirmed, and says so', async () => {
    useStore.setState({ host: hostInfo({ running: true, twins }) });
    renderPanel();
    await settle();

    const lab = screen.getByRole('region', { name: 'Lab' });
    expect(lab.textContent).toContain('2 vendor twins on 127.0.0.1');
    fireEvent.click(within(lab).getByRole('button', { name: 'Reset lab' }));
    const dialog = screen.getByRole('dialog', { name: 'Please confirm' });
    expect(dialog.textContent).toContain('suspended users, blocked IPs, moved mail');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reset lab' }));
    await settle();

    expect(resets()).toBe(1);
    expect(screen.getByRole('status').textContent).toContain('The lab is back at its starting state (2 vendor twins).');
  });

  it('does nothing when the question is cancelled', async () => {
    useStore.setState({ host: hostInfo({ running: true, twins }) });
    renderPanel();
    await settle();

    fireEvent.click(screen.getByRole('button', { name: 'Reset lab' }));
    fireEvent.click(within(screen.getByRole('dialog', { name: 'Please confirm' })).getByRole('button', { name: 'Cancel' }));
    await settle();

    expect(resets()).toBe(0);
  });

  it('shows the host’s refusal as an error', async () => {
    failReset = true;
    useStore.setState({ host: hostInfo({ running: true, twins }) });
    renderPanel();
    await settle();

    fireEvent.click(screen.getByRole('button', { name: 'Reset lab' }));
    fireEvent.click(within(screen.getByRole('dialog', { name: 'Please confirm' })).getByRole('button', { name: 'Reset lab' }));
    await settle();

    expect(screen.getByRole('alert').textContent).toContain('The lab could not be reset: no lab runs in this host, so there is none to reset.');
  });

  it('is not offered when the host runs no lab', async () => {
    useStore.setState({ host: hostInfo({ running: false, twins: [] }) });
    renderPanel();
    await settle();

    expect(screen.queryByRole('region', { name: 'Lab' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Reset lab' })).toBeNull();
  });
});
