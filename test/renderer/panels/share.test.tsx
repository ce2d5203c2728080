// @vitest-environment happy-dom
import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Playbook } from '../../../engine/format/playbook.ts';
import type { CredentialView } from '../../../host/protocol/contract.ts';
import { ShareControls } from '../../../renderer/panels/share.tsx';
import { rpc } from '../../../renderer/rpc/index.ts';
import type { FakeTransport } from '../../../renderer/rpc/fake-transport.ts';
import { useStore } from '../../../renderer/store/index.ts';
import { fakeHost, resetStore, samplePlaybook, settle } from './fixture.ts';

const credential: CredentialView = { id: 'cred-vt', name: 'VirusTotal lab', connector: 'virustotal', fields: { apiKey: { set: true } }, secretFields: ['apiKey'], updatedAt: 1 };

function pickFile(text: string, name = 'shared.playbook.json'): void {
  const input = screen.getByLabelText('Playbook file to import');
  fireEvent.change(input, { target: { files: [new File([text], name, { type: 'application/json' })] } });
}

let host: FakeTransport;
let saved: Playbook | undefined;

beforeEach(() => {
  saved = undefined;
  resetStore();
});

afterEach(() => rpc.disconnect());

describe('import', () => {
  it('shows every problem with its line and column, and leaves the open playbook alone', async () => {
    host = fakeHost({
      'playbooks.import': () => ({
        problems: [
          { severity: 'error', code: 'JSON_SYNTAX', message: 'Expected a comma after the value', line: 3, column: 7 },
          { severity: 'error', code: 'UNKNOWN_FIELD', message: 'nodes[0].colour is not a node field; did you mean color?', line: 9, column: 5 },
        ],
        slots: [],
      }),
    });
    const before = useStore.getState();
    render(<ShareControls />);
    pickFile('{ "format": "switchboard/playbook@1", \n "id": "x" \n "name" }');
    await settle();

    const dialog = screen.getByRole('dialog', { name: 'shared.playbook.json cannot be imported' });
    const items = within(within(dialog).getByRole('list', { name: 'Problems in shared.playbook.json' })).getAllByRole('listitem');
    expect(items.map((item) => item.querySelector('.problem-message')?.textContent)).toEqual([
      'Line 3, column 7: Expected a comma after the value.',
      'Line 9, column 5: nodes[0].colour is not a node field; did you mean color?',
    ]);
    expect(within(dialog).getByText(/Your open playbook is unchanged\./)).toBeTruthy();

    const after = useStore.getState();
    expect(after.playbook).toBe(before.playbook);
    expect(after.nodes).toBe(before.nodes);
    expect(after.edges).toBe(before.edges);
    expect(after.dirty).toBe(false);
    expect(host.sent.map((frame) => frame.method)).toEqual(['playbooks.import']);

    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('asks to bind the credential slots of a valid file, then saves it as a new playbook and opens it', async () => {
    const imported: Playbook = { ...samplePlaybook(), id: 'shared-triage', name: 'Shared triage' };
    host = fakeHost({
      'playbooks.import': () => ({ playbook: imported, problems: [], slots: [{ slot: 'virustotal', connector: 'virustotal', credentialId: null }] }),
      'credentials.list': () => ({ credentials: [credential] }),
      'playbooks.save': ({ playbook }) => {
        saved = playbook as Playbook;
        return { playbook: { ...(playbook as Playbook), revision: 1 }, problems: [] };
      },
      'playbooks.bind': ({ slot, credentialId }) => ({ slots: [{ slot, connector: 'virustotal', credentialId }] }),
      'playbooks.list': () => ({ playbooks: [] }),
      'playbooks.get': () => ({ playbook: { ...(saved as Playbook), revision: 1 }, problems: [], slots: [] }),
    });
    useStore.setState({ credentials: [credential] });
    render(<ShareControls />);
    pickFile(JSON.stringify(imported));
    await settle();

    const dialog = screen.getByRole('dialog', { name: 'Import Shared triage' });
    const slot = within(dialog).getByLabelText('Slot virustotal (VirusTotal)') as HTMLSelectElement;
    expect([...slot.options].map((option) => option.textContent)).toEqual(['Leave unbound', 'VirusTotal lab']);
    fireEvent.change(slot, { target: { value: 'cred-vt' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save and open' }));
    await settle();

    expect(saved?.id).toBe('shared-triage');
    const bind = host.sent.find((frame) => frame.method === 'playbooks.bind');
    expect(bind?.params).toEqual({ playbookId: 'shared-triage', slot: 'virustotal', credentialId: 'cred-vt' });
    expect(useStore.getState().playbook?.id).toBe('shared-triage');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('reads a playbook file dropped on the window', async () => {
    host = fakeHost({ 'playbooks.import': ({ fileName }) => ({ problems: [{ severity: 'error', code: 'X', message: `Nothing in ${fileName}.` }], slots: [] }) });
    render(<ShareControls />);
    const file = new File(['{}'], 'dropped.playbook.json', { type: 'application/json' });
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', { value: { types: ['Files'], files: [file] } });
    window.dispatchEvent(drop);
    await settle();
    expect(drop.defaultPrevented).toBe(true);
    expect(screen.getByRole('dialog', { name: 'dropped.playbook.json cannot be imported' })).toBeTruthy();
  });
});
