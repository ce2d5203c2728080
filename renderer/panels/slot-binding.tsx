import { useStore } from '../store/index.ts';
import { connectorName } from './schema-fields.ts';
import { sentence } from './format.ts';
import { credentialOptionLabel, LabBadge } from './lab-badge.tsx';

/**
 * Which stored credential fills one credential slot of the open playbook on this machine. The
 * binding lives in the workspace, not in the playbook file, so sharing the file shares no secret.
 */
export function SlotBindingSelect({ slot, connector }: { slot: string; connector: string }) {
  const playbookId = useStore((state) => state.playbook?.id);
  const dirty = useStore((state) => state.dirty);
  const binding = useStore((state) => state.slots.find((candidate) => candidate.slot === slot));
  const credentials = useStore((state) => state.credentials);
  const catalogue = useStore((state) => state.catalogue);
  const bindSlot = useStore((state) => state.bindSlot);
  const notify = useStore((state) => state.notify);
  const setPanel = useStore((state) => state.setPanel);
  const labMode = useStore((state) => state.labMode);
  const id = `slot-binding-${slot}`;
  const vendor = connectorName(catalogue, connector);
  const matching = credentials.filter((credential) => credential.connector === connector);
  const boundLab = matching.some((credential) => credential.id === binding?.credentialId && credential.lab === true);

  if (binding === undefined) {
    return (
      <p className="muted">
        Slot <code>{slot}</code> ({vendor}): {dirty ? 'save the playbook to bind it to a stored credential.' : 'not known to the workspace yet.'}
      </p>
    );
  }

  return (
    <div className="field">
      <div className="field-head">
        <label htmlFor={id}>
          Credential for slot <code>{slot}</code>
        </label>
        {boundLab ? <LabBadge title="Bound to a lab credential: nodes using this slot call the lab’s vendor twin, not the real tool" /> : null}
      </div>
      <select
        id={id}
        value={binding.credentialId ?? ''}
        onChange={(event) => {
          if (playbookId === undefined) return;
          const credentialId = event.target.value === '' ? null : event.target.value;
          bindSlot(playbookId, slot, credentialId).catch((error: unknown) => notify('error', `The slot ${slot} could not be bound: ${sentence(error)}`));
        }}
      >
        <option value="">Not bound</option>
        {matching.map((credential) => (
          <option key={credential.id} value={credential.id}>
            {credentialOptionLabel(credential)}
          </option>
        ))}
      </select>
      {binding.credentialId === null ? (
        <p className="help">
          {labMode ? 'Not bound: in lab mode, nodes using this slot call the lab’s vendor twin (marked LAB).' : 'Not bound: runs are refused until it is bound, or Lab mode is on.'}
        </p>
      ) : null}
      {matching.length === 0 ? (
        <p className="help">
          No {vendor} credential is stored yet.{' '}
          <button type="button" className="link" onClick={() => setPanel('credentials')}>
            Add one under Credentials
          </button>
        </p>
      ) : null}
    </div>
  );
}
