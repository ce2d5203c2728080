import { useEffect, useState } from 'react';
import type { PlaybookSummary } from '../../host/protocol/contract.ts';
import { useStore } from '../store/index.ts';
import { formatDateTime, sentence } from './format.ts';

/** Asks before unsaved changes are dropped; true when it is fine to go on. Home holds none: leaving the editor for it asked already. */
export async function guardUnsaved(what: string): Promise<boolean> {
  const state = useStore.getState();
  if (!state.dirty || state.view === 'home') return true;
  const name = state.playbook?.name ?? 'the open playbook';
  return state.confirm(`${name} has unsaved changes. ${what} discards them.`, 'Discard changes');
}

/** Opens a playbook on the canvas after the unsaved-changes guard. */
export async function openGuarded(id: string): Promise<void> {
  const state = useStore.getState();
  if (state.playbook?.id === id && !state.dirty) return;
  if (!(await guardUnsaved('Opening another playbook'))) return;
  try {
    await state.openPlaybook(id);
  } catch (error) {
    state.notify('error', `The playbook could not be opened: ${sentence(error)}`);
  }
}

/**
 * Creates an empty playbook named `name` and opens it (after the unsaved-changes guard); true when
 * it did. The Playbooks panel and the home view share it; every failure is told in a toast.
 */
export async function createAndOpen(name: string): Promise<boolean> {
  const state = useStore.getState();
  const trimmed = name.trim();
  if (trimmed === '') {
    state.notify('error', 'Enter a name for the new playbook.');
    return false;
  }
  if (!(await guardUnsaved('Creating a playbook'))) return false;
  try {
    const id = await state.createPlaybook(trimmed);
    await useStore.getState().openPlaybook(id);
    return true;
  } catch (error) {
    state.notify('error', `The playbook could not be created: ${sentence(error)}`);
    return false;
  }
}

/** A name box and "New playbook": creates the playbook and opens it (the side panel and home both show one). */
export function NewPlaybookForm({ inputId, placeholder }: { inputId: string; placeholder: string }) {
  const [name, setName] = useState('');
  return (
    <form
      className="row"
      onSubmit={(event) => {
        event.preventDefault();
        void createAndOpen(name).then((created) => created && setName(''));
      }}
    >
      <label htmlFor={inputId} className="visually-hidden">
        Name of the new playbook
      </label>
      <input id={inputId} value={name} placeholder={placeholder} onChange={(event) => setName(event.target.value)} />
      <button type="submit">New playbook</button>
    </form>
  );
}

/** The workspace's playbooks: list, create, rename, duplicate, delete and open. */
export function PlaybooksPanel() {
  const playbooks = useStore((state) => state.playbooks);
  const refreshPlaybooks = useStore((state) => state.refreshPlaybooks);
  const notify = useStore((state) => state.notify);

  useEffect(() => {
    refreshPlaybooks().catch((error: unknown) => notify('error', `The playbooks could not be listed: ${sentence(error)}`));
  }, [refreshPlaybooks, notify]);

  return (
    <div className="playbooks-panel">
      <NewPlaybookForm inputId="new-playbook-name" placeholder="Phishing triage" />
      {playbooks.length === 0 ? <p className="muted">No playbooks yet.</p> : null}
      <ul className="item-list" aria-label="Playbooks">
        {playbooks.map((playbook) => (
          <PlaybookRow key={playbook.id} playbook={playbook} />
        ))}
      </ul>
    </div>
  );
}

function PlaybookRow({ playbook }: { playbook: PlaybookSummary }) {
  const openId = useStore((state) => state.playbook?.id);
  const renamePlaybook = useStore((state) => state.renamePlaybook);
  const duplicatePlaybook = useStore((state) => state.duplicatePlaybook);
  const deletePlaybook = useStore((state) => state.deletePlaybook);
  const notify = useStore((state) => state.notify);
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(playbook.name);
  const unbound = playbook.slots.filter((slot) => slot.credentialId === null).length;
  const isOpen = openId === playbook.id;

  async function rename(): Promise<void> {
    const trimmed = name.trim();
    if (trimmed === '' || trimmed === playbook.name) {
      setRenaming(false);
      return;
    }
    const state = useStore.getState();
    try {
      if (isOpen && state.dirty) await state.save();
      await renamePlaybook(playbook.id, trimmed);
      if (isOpen) await useStore.getState().openPlaybook(playbook.id);
      setRenaming(false);
    } catch (error) {
      notify('error', `The playbook could not be renamed: ${sentence(error)}`);
    }
  }

  async function duplicate(): Promise<void> {
    try {
      await duplicatePlaybook(playbook.id);
      notify('info', `Duplicated ${playbook.name}.`);
    } catch (error) {
      notify('error', `The playbook could not be duplicated: ${sentence(error)}`);
    }
  }

  async function remove(): Promise<void> {
    const state = useStore.getState();
    if (!(await state.confirm(`Delete the playbook ${playbook.name}? Its file is removed from the workspace.`, 'Delete'))) return;
    try {
      await deletePlaybook(playbook.id);
      notify('info', `Deleted ${playbook.name}.`);
      // The deleted playbook cannot stay in the editor: back to the list.
      if (isOpen) useStore.getState().setView('home');
    } catch (error) {
      notify('error', `The playbook could not be deleted: ${sentence(error)}`);
    }
  }

  return (
    <li aria-current={isOpen ? 'true' : undefined}>
      {renaming ? (
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            void rename();
          }}
        >
          <label htmlFor={`rename-${playbook.id}`} className="visually-hidden">
            New name of {playbook.name}
          </label>
          <input id={`rename-${playbook.id}`} value={name} autoFocus onChange={(event) => setName(event.target.value)} />
          <button type="submit">Save name</button>
          <button type="button" onClick={() => setRenaming(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <div>
          <strong>{playbook.name}</strong>
          {isOpen ? <span className="badge">open</span> : null}
          <p className="muted">
            {playbook.nodeCount} nodes · revision {playbook.revision} · updated {formatDateTime(playbook.updatedAt)}
            {unbound > 0 ? ` · ${unbound} credential ${unbound === 1 ? 'slot' : 'slots'} unbound` : ''}
          </p>
          {playbook.description === '' ? null : <p className="help">{playbook.description}</p>}
        </div>
      )}
      <div className="row">
        <button type="button" aria-label={`Open ${playbook.name}`} disabled={isOpen} onClick={() => void openGuarded(playbook.id)}>
          Open
        </button>
        <button
          type="button"
          aria-label={`Rename ${playbook.name}`}
          onClick={() => {
            setName(playbook.name);
            setRenaming(true);
          }}
        >
          Rename
        </button>
        <button type="button" aria-label={`Duplicate ${playbook.name}`} onClick={() => void duplicate()}>
          Duplicate
        </button>
        <button type="button" className="danger" aria-label={`Delete ${playbook.name}`} onClick={() => void remove()}>
          Delete
        </button>
      </div>
    </li>
  );
}
