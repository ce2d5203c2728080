// @vitest-environment happy-dom
import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CredentialView } from '../../../host/protocol/contract.ts';
import { CredentialsPanel } from '../../../renderer/panels/credentials-panel.tsx';
import { ConfirmDialog } from '../../../renderer/panels/dialogs.tsx';
import { rpc } from '../../../renderer/rpc/index.ts';
import type { FakeTransport } from '../../../renderer/rpc/fake-transport.ts';
import { fakeHost, resetStore, settle } from './fixture.ts';

const stored: CredentialView = {
  id: 'cred-vt',
  name: 'VirusTotal lab',
  connector: 'virustotal',
  fields: { baseUrl: 'http://127.0.0.1:4010/api/v3', apiKey: { set: true } },
  secretFields: ['apiKey'],
  updatedAt: 1,
};

let host: FakeTransport;
let credentials: CredentialView[];

function saves(): unknown[] {
  return host.sent.filter((frame) => frame.method === 'credentials.save').map((frame) => frame.params);
}

beforeEach(() => {
  credentials = [stored];
  host = fakeHost({
    'credentials.list': () => ({ credentials }),
    'credentials.save': (params) => ({ credential: { ...stored, ...params, id: params.id ?? 'new-id' } as CredentialView }),
    'credentials.delete': ({ id }) => {
      credentials = credentials.filter((credential) => credential.id !== id);
      return { deleted: true };
    },
  });
  resetStore();
});

afterEach(() => rpc.disconnect());

describe('credentials panel', () => {
  it('shows a set secret as "•••• set" and sends it only when it was typed into', async () => {
    render(<CredentialsPanel />);
    await settle();
    fireEvent.click(screen.getByRole('button', { name: 'Edit VirusTotal lab' }));
    // A titled field reads by its title, with its key beside it; an untitled one by its key.
    const apiKey = screen.getByLabelText('API key') as HTMLInputElement;
    expect(screen.getByText('apiKey', { selector: 'code' })).toBeTruthy();
    expect(apiKey.type).toBe('password');
    expect(apiKey.value).toBe('');
    expect(apiKey.placeholder).toBe('•••• set');
    expect((screen.getByLabelText('baseUrl') as HTMLInputElement).value).toBe('http://127.0.0.1:4010/api/v3');

    fireEvent.click(screen.getByRole('button', { name: 'Save credential' }));
    await settle();
    expect(saves()).toEqual([{ id: 'cred-vt', name: 'VirusTotal lab', connector: 'virustotal', values: { baseUrl: 'http://127.0.0.1:4010/api/v3' } }]);

    fireEvent.click(screen.getByRole('button', { name: 'Edit VirusTotal lab' }));
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: 'new-key' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save credential' }));
    await settle();
    expect(saves()[1]).toMatchObject({ values: { apiKey: 'new-key' } });
  });

  it('creates a credential from its connector’s schema and says which required field is missing', async () => {
    render(<CredentialsPanel />);
    await settle();
    fireEvent.change(screen.getByLabelText('Connector of the new credential'), { target: { value: 'virustotal' } });
    fireEvent.click(screen.getByRole('button', { name: 'New credential' }));
    const form = screen.getByRole('form', { name: 'New VirusTotal credential' });
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'VT prod' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save credential' }));
    expect(within(form).getByText('Enter API key: VirusTotal needs it.')).toBeTruthy();
    expect(saves()).toEqual([]);

    fireEvent.change(within(form).getByLabelText('API key'), { target: { value: 'k' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save credential' }));
    await settle();
    expect(saves()).toEqual([{ name: 'VT prod', connector: 'virustotal', values: { apiKey: 'k' } }]);
  });

  it('deletes a credential only after confirmation', async () => {
    render(
      <>
        <CredentialsPanel />
        <ConfirmDialog />
      </>,
    );
    await settle();
    fireEvent.click(screen.getByRole('button', { name: 'Delete VirusTotal lab' }));
    const dialog = screen.getByRole('dialog', { name: 'Please confirm' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await settle();
    expect(host.sent.find((frame) => frame.method === 'credentials.delete')?.params).toEqual({ id: 'cred-vt' });
    expect(screen.getByText('No credentials are stored yet.')).toBeTruthy();
  });
});
