import { useEffect, useRef, useState } from 'react';
import type { Playbook } from '../../engine/format/playbook.ts';
import { hasErrors } from '../../engine/validate/problems.ts';
import type { Problem } from '../../engine/validate/problems.ts';
import type { SlotBinding } from '../../host/protocol/contract.ts';
import { desktopShell, rpc } from '../rpc/index.ts';
import { useStore } from '../store/index.ts';
import { Modal } from './dialogs.tsx';
import { sentence } from './format.ts';
import { credentialOptionLabel } from './lab-badge.tsx';
import { guardUnsaved } from './playbooks-panel.tsx';
import { problemPlace } from './problems-list.tsx';
import { connectorName } from './schema-fields.ts';
import { slotDestinations } from './slot-hosts.ts';
import { downloadText } from '../download.ts';

/** A shared file read by the host: the playbook when it is valid, and every problem either way. */
interface ImportResult {
  fileName: string;
  playbook?: Playbook;
  problems: Problem[];
  slots: SlotBinding[];
  /** The workspace already holds a playbook with this id, at this revision. */
  existingRevision?: number;
}


/** A problem as a sentence with its place in the file: "Line 12, column 7: …". */
export function problemSentence(problem: Problem): string {
  const place = problemPlace(problem);
  const message = sentence(problem.message);
  return place === undefined ? message : `${place[0]?.toUpperCase()}${place.slice(1)}: ${message}`;
}

function isPlaybookFile(file: File): boolean {
  return file.name.toLowerCase().endsWith('.json');
}

/**
 * Export and Import of playbook files. Export downloads the saved file (credential slots, never
 * secrets); Import is `ImportControl`.
 */
export function ShareControls() {
  const playbookId = useStore((state) => state.playbook?.id);
  const notify = useStore((state) => state.notify);

  async function exportOpen(): Promise<void> {
    const state = useStore.getState();
    if (state.playbook === undefined) return;
    try {
      if (state.dirty) await state.save();
      const { fileName, text } = await rpc.call('playbooks.export', { id: state.playbook.id });
      const shell = desktopShell();
      if (shell === undefined) downloadText(fileName, text);
      else if ((await shell.savePlaybookFile({ suggestedName: fileName, text })) === null) return;
      notify('info', `Exported ${fileName}: credential slots only, no secrets.`);
    } catch (error) {
      notify('error', `The playbook could not be exported: ${sentence(error)}`);
    }
  }

  // The desktop menu's Export.
  useEffect(
    () =>
      desktopShell()?.onMenu((event) => {
        if (event.command === 'file.export') void exportOpen();
      }),
  );

  return (
    <div className="share-controls">
      <button type="button" disabled={playbookId === undefined} onClick={() => void exportOpen()} title="Download the playbook file to share (no secrets)">
        Export
      </button>
      <ImportControl />
    </div>
  );
}

/**
 * Import, by the button or by dropping a `*.playbook.json` on the window (the editor's side panel
 * and the home view both show it): the host validates the text first; problems are listed and the
 * open playbook is left alone; a valid file asks for its credential bindings and is saved as a new
 * playbook, then opened.
 */
export function ImportControl() {
  const notify = useStore((state) => state.notify);
  const picker = useRef<HTMLInputElement>(null);
  const [result, setResult] = useState<ImportResult | undefined>();

  async function importText(fileName: string, text: () => Promise<string> | string): Promise<void> {
    try {
      const answer = await rpc.call('playbooks.import', { text: await text(), fileName });
      setResult({ fileName, ...answer });
    } catch (error) {
      notify('error', `${fileName} could not be read: ${sentence(error)}`);
    }
  }

  const importFile = (file: File): Promise<void> => importText(file.name, () => file.text());

  /** Import: the desktop's native open dialog, else the browser's file picker. */
  async function pickAndImport(): Promise<void> {
    const shell = desktopShell();
    if (shell === undefined) return picker.current?.click();
    const file = await shell.openPlaybookFile();
    if (file !== null) await importText(file.fileName, () => file.text);
  }

  // The desktop menu's Import, and playbook files opened from outside the app.
  useEffect(
    () =>
      desktopShell()?.onMenu((event) => {
        if (event.command === 'file.import') void pickAndImport();
        else if (event.command === 'file.opened') void importText(event.file.fileName, () => event.file.text);
      }),
  );

  useEffect(() => {
    const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') === true;
    const onDragOver = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = (event: DragEvent) => {
      const file = [...(event.dataTransfer?.files ?? [])].find(isPlaybookFile);
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (file === undefined) {
        useStore.getState().notify('error', 'Only playbook files (*.playbook.json) can be dropped here.');
        return;
      }
      void importFile(file);
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  });

  return (
    <>
      <button type="button" onClick={() => void pickAndImport()} title="Open a shared *.playbook.json file (or drop one on the window)">
        Import
      </button>
      <input
        ref={picker}
        type="file"
        accept=".json,application/json"
        aria-label="Playbook file to import"
        hidden
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file !== undefined) void importFile(file);
        }}
      />
      {result === undefined ? null : result.playbook === undefined || hasErrors(result.problems) ? (
        <ImportProblems result={result} onClose={() => setResult(undefined)} />
      ) : (
        <ImportBindings result={result} playbook={result.playbook} onClose={() => setResult(undefined)} />
      )}
    </>
  );
}

function ProblemList({ problems, label }: { problems: readonly Problem[]; label: string }) {
  return (
    <ul className="problems" aria-label={label}>
      {problems.map((problem, index) => (
        <li key={index}>
          <span className={`severity severity-${problem.severity}`}>{problem.severity === 'error' ? 'Error' : 'Warning'}</span>{' '}
          <span className="problem-message">{problemSentence(problem)}</span>
        </li>
      ))}
    </ul>
  );
}

function ImportProblems({ result, onClose }: { result: ImportResult; onClose(): void }) {
  const count = result.problems.filter((problem) => problem.severity === 'error').length;
  return (
    <Modal
      title={`${result.fileName} cannot be imported`}
      onClose={onClose}
      actions={
        <button type="button" onClick={onClose}>
          Close
        </button>
      }
    >
      <p>
        The file has {count} {count === 1 ? 'problem' : 'problems'} to fix first. Your open playbook is unchanged.
      </p>
      <ProblemList problems={result.problems} label={`Problems in ${result.fileName}`} />
    </Modal>
  );
}

/** A valid file: name it, bind each credential slot to a stored credential, then save and open it. */
function ImportBindings({ result, playbook, onClose }: { result: ImportResult; playbook: Playbook; onClose(): void }) {
  const credentials = useStore((state) => state.credentials);
  const catalogue = useStore((state) => state.catalogue);
  const clash = result.existingRevision !== undefined;
  const [replace, setReplace] = useState(false);
  const [name, setName] = useState(clash ? `${playbook.name} (imported)` : playbook.name);
  // Nothing is chosen for the user: a shared file must not get a stored credential unasked.
  const [bindings, setBindings] = useState<Record<string, string>>(() => Object.fromEntries(result.slots.map((slot) => [slot.slot, ''])));
  const [failure, setFailure] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const warnings = result.problems.filter((problem) => problem.severity === 'warning');

  useEffect(() => {
    useStore
      .getState()
      .refreshCredentials()
      .catch(() => undefined);
  }, []);

  async function save(): Promise<void> {
    if (name.trim() === '') return setFailure('Enter a name for the imported playbook.');
    if (!(await guardUnsaved('Opening the imported playbook'))) return;
    setBusy(true);
    try {
      const state = useStore.getState();
      let target: Playbook = { ...playbook, name: replace ? playbook.name : name.trim() };
      let expectedRevision = result.existingRevision ?? 0;
      if (clash && !replace) {
        const { playbook: created } = await rpc.call('playbooks.create', { name: name.trim() });
        target = { ...target, id: created.id };
        expectedRevision = created.revision;
      }
      const { playbook: saved } = await rpc.call('playbooks.save', { playbook: { ...target, revision: expectedRevision }, expectedRevision });
      for (const slot of result.slots) {
        const credentialId = bindings[slot.slot];
        if (credentialId !== undefined && credentialId !== '') await state.bindSlot(saved.id, slot.slot, credentialId);
        else if (slot.credentialId !== null && saved.id === playbook.id) await state.bindSlot(saved.id, slot.slot, null);
      }
      await state.refreshPlaybooks();
      await state.openPlaybook(saved.id);
      state.notify('info', `Imported ${saved.name}.`);
      onClose();
    } catch (error) {
      setFailure(`The playbook could not be saved: ${sentence(error)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      title={`Import ${playbook.name}`}
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void save()}>
            Save and open
          </button>
        </>
      }
    >
      <p>
        {result.fileName} is valid: {playbook.nodes.length} nodes.{' '}
        {clash ? `This workspace already has a playbook with the id ${playbook.id}.` : 'It is saved as a new playbook in this workspace.'}
      </p>
      {clash ? (
        <fieldset className="choice">
          <legend>Save it</legend>
          <label>
            <input type="radio" name="import-mode" checked={!replace} onChange={() => setReplace(false)} />
            as a new playbook
          </label>
          <label>
            <input type="radio" name="import-mode" checked={replace} onChange={() => setReplace(true)} />
            over the existing one (its history stays in the runs)
          </label>
        </fieldset>
      ) : null}
      {warnings.length > 0 ? <ProblemList problems={warnings} label="Warnings" /> : null}
      <div className="field">
        <label htmlFor="import-name">Name</label>
        <input id="import-name" value={replace ? playbook.name : name} disabled={replace} onChange={(event) => setName(event.target.value)} />
      </div>
      {result.slots.length === 0 ? (
        <p className="muted">It needs no credentials.</p>
      ) : (
        <>
          <h3>Credentials it needs</h3>
          <p className="help">Pick each credential yourself, knowing where the playbook sends it; a slot left unbound can be bound later.</p>
        </>
      )}
      {result.slots.map((slot) => {
        const matching = credentials.filter((credential) => credential.connector === slot.connector);
        const id = `import-slot-${slot.slot}`;
        const chosen = matching.find((credential) => credential.id === bindings[slot.slot]);
        const destinations = slotDestinations(playbook, slot.slot, catalogue, slot.connector, chosen);
        return (
          <div className="field" key={slot.slot}>
            <label htmlFor={id}>
              Slot {slot.slot} ({connectorName(catalogue, slot.connector)})
            </label>
            <select id={id} value={bindings[slot.slot] ?? ''} aria-describedby={`${id}-hosts`} onChange={(event) => setBindings({ ...bindings, [slot.slot]: event.target.value })}>
              <option value="">Leave unbound</option>
              {matching.map((credential) => (
                <option key={credential.id} value={credential.id}>
                  {credentialOptionLabel(credential)}
                </option>
              ))}
            </select>
            <div className="help" id={`${id}-hosts`}>
              {destinations.length === 0 ? (
                'No node uses it.'
              ) : (
                <>
                  Sent to:
                  <ul aria-label={`Where slot ${slot.slot} is sent`}>
                    {destinations.map((destination) => (
                      <li key={destination.label}>
                        {destination.label}
                        {destination.refused === true ? ' — refused: not one of this credential’s hosts' : ''}
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </div>
            {matching.length === 0 ? <p className="help">No {connectorName(catalogue, slot.connector)} credential is stored; bind it later under Credentials.</p> : null}
          </div>
        );
      })}
      {failure === undefined ? null : (
        <p className="field-error" role="alert">
          {failure}
        </p>
      )}
    </Modal>
  );
}
