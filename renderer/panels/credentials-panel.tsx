import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { CredentialView } from '../../host/protocol/contract.ts';
import { useStore } from '../store/index.ts';
import { describedBy, Field, numberProblem } from './form-controls.tsx';
import { formatDateTime, parseJsonText, sentence, toJsonText } from './format.ts';
import { LabBadge } from './lab-badge.tsx';
import { LabControl } from './lab-control.tsx';
import { FieldKey } from './field-key.tsx';
import { credentialKinds, fieldLabel, fieldsOf } from './schema-fields.ts';
import type { CredentialKind, SchemaField } from './schema-fields.ts';

type Editing = { kind: CredentialKind; credential?: CredentialView };

/** Stored credentials: list, create, edit and delete, each from its connector's credential schema. */
export function CredentialsPanel() {
  const credentials = useStore((state) => state.credentials);
  const catalogue = useStore((state) => state.catalogue);
  const host = useStore((state) => state.host);
  const refreshCredentials = useStore((state) => state.refreshCredentials);
  const deleteCredential = useStore((state) => state.deleteCredential);
  const confirm = useStore((state) => state.confirm);
  const notify = useStore((state) => state.notify);
  const [editing, setEditing] = useState<Editing | undefined>();
  const [newKind, setNewKind] = useState('');
  const kinds = credentialKinds(catalogue);

  useEffect(() => {
    refreshCredentials().catch((error: unknown) => notify('error', `The credentials could not be read: ${sentence(error)}`));
  }, [refreshCredentials, notify]);

  if (editing !== undefined) {
    return <CredentialForm key={editing.credential?.id ?? editing.kind.connector} {...editing} onDone={() => setEditing(undefined)} />;
  }

  const kindOf = (connector: string) => kinds.find((kind) => kind.connector === connector);

  return (
    <div className="credentials-panel">
      {host?.vault.protection === 'plain-text-fallback' ? (
        <p className="field-error" role="alert">
          Credentials on this machine are not encrypted with a protected key: {host.vault.detail}
        </p>
      ) : null}
      <LabControl />
      <div className="row">
        <label htmlFor="new-credential-kind" className="visually-hidden">
          Connector of the new credential
        </label>
        <select id="new-credential-kind" value={newKind} onChange={(event) => setNewKind(event.target.value)}>
          <option value="">Choose a connector…</option>
          {kinds.map((kind) => (
            <option key={kind.connector} value={kind.connector}>
              {kind.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          disabled={kindOf(newKind) === undefined}
          onClick={() => {
            const kind = kindOf(newKind);
            if (kind !== undefined) setEditing({ kind });
          }}
        >
          New credential
        </button>
      </div>
      {credentials.length === 0 ? <p className="muted">No credentials are stored yet.</p> : null}
      <ul className="item-list" aria-label="Stored credentials">
        {credentials.map((credential) => {
          const kind = kindOf(credential.connector);
          return (
            <li key={credential.id}>
              <div>
                <strong>{credential.name}</strong>
                {credential.lab === true ? <LabBadge title="A lab credential: it reaches the lab’s vendor twins, not the real tool, and only while the lab runs" /> : null}
                <span className="muted">
                  {' '}
                  · {kind?.name ?? credential.connector} · updated {formatDateTime(credential.updatedAt)}
                </span>
              </div>
              <div className="row">
                <button type="button" disabled={kind === undefined} aria-label={`Edit ${credential.name}`} onClick={() => kind && setEditing({ kind, credential })}>
                  Edit
                </button>
                <button
                  type="button"
                  className="danger"
                  aria-label={`Delete ${credential.name}`}
                  onClick={async () => {
                    if (!(await confirm(`Delete the credential ${credential.name}? Playbooks bound to it lose access until rebound.`, 'Delete'))) return;
                    try {
                      await deleteCredential(credential.id);
                      notify('info', `Deleted the credential ${credential.name}.`);
                    } catch (error) {
                      notify('error', `The credential ${credential.name} could not be deleted: ${sentence(error)}`);
                    }
                  }}
                >
                  Delete
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function isSet(credential: CredentialView | undefined, key: string): boolean {
  const value = credential?.fields[key];
  return value !== null && typeof value === 'object' && (value as { set?: unknown }).set === true;
}

/** The stored non-secret value of a field as form text. */
function initialText(field: SchemaField, credential: CredentialView | undefined): string {
  if (field.secret || credential === undefined) return '';
  const value = credential.fields[field.key];
  if (value === undefined || value === null) return '';
  if (field.kind === 'json') return toJsonText(value);
  return String(value);
}

/** The value a field's text stands for, or a sentence saying why it cannot be stored. */
function valueOf(field: SchemaField, text: string): { value?: unknown; error?: string } {
  if (text === '') return {};
  if (field.kind === 'number') {
    const problem = numberProblem(text, fieldLabel(field), field.integer, field.minimum, field.maximum);
    return problem === undefined ? { value: Number(text) } : { error: problem };
  }
  if (field.kind === 'boolean') return { value: text === 'true' };
  if (field.kind === 'json') {
    const parsed = parseJsonText(text, `The value of ${fieldLabel(field)}`);
    return parsed.ok ? { value: parsed.value } : { error: parsed.error };
  }
  if (field.kind === 'enum') return { value: field.options?.find((option) => String(option) === text) ?? text };
  return { value: text };
}

interface CredentialFormProps extends Editing {
  onDone(): void;
}

/**
 * One credential's form. Secret fields are password inputs that never hold the stored value:
 * they show "•••• set" and are sent only when typed into, so an edit keeps secrets it does not touch.
 */
function CredentialForm({ kind, credential, onDone }: CredentialFormProps) {
  const saveCredential = useStore((state) => state.saveCredential);
  const notify = useStore((state) => state.notify);
  const fields = fieldsOf(kind.schema);
  const [name, setName] = useState(credential?.name ?? '');
  const [texts, setTexts] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((field) => [field.key, initialText(field, credential)])));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const base = `credential-${credential?.id ?? 'new'}`;

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    const found: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    if (name.trim() === '') found.name = 'Enter a name for the credential.';
    for (const field of fields) {
      const text = texts[field.key] ?? '';
      const { value, error } = valueOf(field, text);
      if (error !== undefined) found[field.key] = error;
      else if (value !== undefined) values[field.key] = value;
      else if (field.required && !(field.secret && isSet(credential, field.key))) found[field.key] = `Enter ${fieldLabel(field)}: ${kind.name} needs it.`;
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    try {
      await saveCredential({ ...(credential === undefined ? {} : { id: credential.id }), name: name.trim(), connector: kind.connector, values });
      notify('info', `Saved the credential ${name.trim()}.`);
      onDone();
    } catch (error) {
      setFailure(`The credential could not be saved: ${sentence(error)}`);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="credential-form" aria-label={credential === undefined ? `New ${kind.name} credential` : `Edit ${credential.name}`} onSubmit={(event) => void submit(event)} noValidate>
      <h2>{credential === undefined ? `New ${kind.name} credential` : `${credential.name} (${kind.name})`}</h2>
      <Field id={`${base}-name`} label="Name" required errors={errors.name === undefined ? undefined : [errors.name]}>
        <input id={`${base}-name`} value={name} aria-required onChange={(event) => setName(event.target.value)} />
      </Field>
      {fields.map((field) => (
        <CredentialField
          key={field.key}
          id={`${base}-${field.key}`}
          field={field}
          text={texts[field.key] ?? ''}
          set={isSet(credential, field.key)}
          error={errors[field.key]}
          onChange={(text) => setTexts({ ...texts, [field.key]: text })}
        />
      ))}
      {failure === undefined ? null : (
        <p className="field-error" role="alert">
          {failure}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={saving}>
          Save credential
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

interface CredentialFieldProps {
  id: string;
  field: SchemaField;
  text: string;
  set: boolean;
  error: string | undefined;
  onChange(text: string): void;
}

function CredentialField({ id, field, text, set, error, onChange }: CredentialFieldProps) {
  const errors = error === undefined ? undefined : [error];
  const help = field.secret ? [set ? '•••• set — type only to replace it.' : 'Write-only: it is never shown again.', field.description].filter(Boolean).join(' ') : field.description;
  const described = describedBy(id, help !== undefined, errors);
  const required = field.required && !(field.secret && set);
  let control;
  if (field.secret) {
    control = <input id={id} type="password" autoComplete="new-password" value={text} placeholder={set ? '•••• set' : ''} aria-required={required} aria-describedby={described} onChange={(event) => onChange(event.target.value)} />;
  } else if (field.kind === 'boolean') {
    control = (
      <select id={id} value={text} aria-describedby={described} onChange={(event) => onChange(event.target.value)}>
        <option value="">Default</option>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    );
  } else if (field.kind === 'enum') {
    control = (
      <select id={id} value={text} aria-required={required} aria-describedby={described} onChange={(event) => onChange(event.target.value)}>
        <option value="">{field.defaultValue === undefined ? 'Choose…' : `Default (${String(field.defaultValue)})`}</option>
        {(field.options ?? []).map((option) => (
          <option key={String(option)} value={String(option)}>
            {String(option)}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'json') {
    control = <textarea id={id} className="json-input" rows={3} value={text} aria-describedby={described} onChange={(event) => onChange(event.target.value)} />;
  } else {
    control = (
      <input
        id={id}
        type={field.format === 'uri' ? 'url' : 'text'}
        value={text}
        placeholder={field.defaultValue === undefined ? undefined : `Default: ${String(field.defaultValue)}`}
        aria-required={required}
        aria-describedby={described}
        onChange={(event) => onChange(event.target.value)}
      />
    );
  }
  return (
    <Field id={id} label={fieldLabel(field)} required={required} help={help} errors={errors} aside={<FieldKey field={field} />}>
      {control}
    </Field>
  );
}
