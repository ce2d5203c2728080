// @vitest-environment happy-dom
import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlaybookSummary } from '../../../host/protocol/contract.ts';
import { ConfirmDialog } from '../../../renderer/panels/dialogs.tsx';
import { PlaybooksPanel } from '../../../renderer/panels/playbooks-panel.tsx';
import { rpc } from '../../../renderer/rpc/index.ts';
import type { FakeTransport } from '../../../renderer/rpc/fake-transport.ts';
import { useStore } from '../../../renderer/store/index.ts';
import { fakeHost, resetStore, samplePlaybook, settle } from './fixture.ts';

const summary = (id: string, name: string): PlaybookSummary => ({ id, name, description: '', revision: 1, tags: [], nodeCount: 3, updatedAt: 1, slots: [] });

let host: FakeTransport;

beforeEach(() => {
  host = fakeHost({
    'playbooks.list': () => ({ playbooks: [summary('triage', 'Triage'), summary('phishing', 'Phishing')] }),
    'playbooks.get': ({ id }) => ({ playbook: { ...samplePlaybook(), id, name: id }, problems: [], slots: [] }),
  });
  resetStore();
});

afterEach(() => rpc.disconnect());

function renderPanel() {
  render(
    <>
      <PlaybooksPanel />
      <ConfirmDialog />
    </>,
  );
}

describe('playbooks panel', () => {
  it('opens another playbook only after confirming that unsaved changes are dropped', async () => {
    useStore.getState().updateNode('check', { name: 'Check twice' });
    renderPanel();
    await settle();
    fireEvent.click(screen.getByRole('button', { name: 'Open Phishing' }));
    const dialog = screen.getByRole('dialog', { name: 'Please confirm' });
    expect(dialog.textContent).toContain('Triage has unsaved changes. Opening another playbook discards them.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await settle();
    expect(useStore.getState().playbook?.id).toBe('triage');
    expect(host.sent.some((frame) => frame.method === 'playbooks.get')).toBe(false);

    fireEvent.click(screen.getByRole('button', { name: 'Open Phishing' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Discard changes' }));
    await settle();
    expect(useStore.getState().playbook?.id).toBe('phishing');
  });
});
