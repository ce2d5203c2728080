import { useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import { ControlError, controlErrorProps } from './control-error.tsx';
import { openTemplateAt } from './expression-paths.ts';
import { lengthNotice } from './length-limit.ts';
import { useDraft } from './use-draft.ts';

/** Keys that commit a draft without leaving the field: Enter on one line, and the save shortcut. */
export function isCommitKey(event: KeyboardEvent, multiline: boolean): boolean {
  return ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') || (!multiline && event.key === 'Enter');
}

/** Handlers that commit a drafted control (`finish`) on blur and on the commit keys. */
export function commitOn(finish: () => void, multiline: boolean) {
  return { onKeyDown: (event: KeyboardEvent) => isCommitKey(event, multiline) && finish(), onBlur: finish };
}

interface FieldProps {
  id: string;
  label: string;
  required?: boolean;
  help?: string;
  /** Sentences about this field (validation problems), shown under it. */
  errors?: readonly string[];
  /** A control beside the label (the expression toggle). */
  aside?: ReactNode;
  children: ReactNode;
}

/** Ids of a field's help and error texts, for the control's aria-describedby. */
export function describedBy(id: string, hasHelp: boolean, errors?: readonly string[]): string | undefined {
  const ids = [hasHelp ? `${id}-help` : undefined, errors !== undefined && errors.length > 0 ? `${id}-errors` : undefined];
  return ids.filter(Boolean).join(' ') || undefined;
}

/** A labelled form row: label (with a visible mark when required), control, help text, problems. */
export function Field({ id, label, required, help, errors, aside, children }: FieldProps) {
  return (
    <div className="field">
      <div className="field-head">
        <label htmlFor={id}>{label}</label>
        {required === true ? (
          <span className="required-mark" title="Required" aria-hidden="true">
            *
          </span>
        ) : null}
        {aside}
      </div>
      {children}
      {help === undefined ? null : (
        <p id={`${id}-help`} className="help">
          {help}
        </p>
      )}
      {errors !== undefined && errors.length > 0 ? (
        <div id={`${id}-errors`} className="field-error" role="alert">
          {errors.map((error) => (
            <p key={error}>{error}</p>
          ))}
        </div>
      ) : null}
    </div>
  );
}

interface TextInputProps {
  id: string;
  value: string | undefined;
  /** Called on blur with the text ('' becomes undefined). */
  onCommit(value: string | undefined): void;
  describedBy?: string;
  required?: boolean;
  placeholder?: string;
  type?: 'text' | 'password' | 'url';
  /** The most characters the format accepts: longer text cannot be typed, and a counter shows near it. */
  maxLength?: number;
  /** What the text is, for the limit sentence ("A node name"). */
  what?: string;
}

/** A text input committed on blur, so typing is one change, not one per key. */
export function TextInput({ id, value, onCommit, describedBy: described, required, placeholder, type = 'text', maxLength, what = 'This text' }: TextInputProps) {
  const [draft, setDraft, remember] = useDraft(value ?? '');
  const finish = () => {
    if (draft === (value ?? '')) return;
    remember(draft);
    onCommit(draft === '' ? undefined : draft);
  };
  const notice = maxLength === undefined ? undefined : lengthNotice(draft.length, maxLength, what);
  const noticeId = `${id}-length`;
  return (
    <>
      <input
        id={id}
        type={type}
        value={draft}
        placeholder={placeholder}
        maxLength={maxLength}
        aria-required={required}
        aria-describedby={[described, notice === undefined ? undefined : noticeId].filter(Boolean).join(' ') || undefined}
        onChange={(event) => setDraft(event.target.value)}
        {...commitOn(finish, false)}
      />
      {maxLength === undefined ? null : (
        <p id={noticeId} className="help length-notice" aria-live="polite">
          {notice}
        </p>
      )}
    </>
  );
}

interface NumberInputProps {
  id: string;
  value: number | undefined;
  onCommit(value: number | undefined): void;
  /** The field's name, for the error sentence. */
  name: string;
  integer?: boolean;
  min?: number;
  max?: number;
  describedBy?: string;
  required?: boolean;
  placeholder?: string;
  /** Called instead of editing when a `{{` is typed, so the field can turn into an expression. */
  onTemplateTyped?(text: string, caret: number): void;
}

/** Why `text` is not an acceptable number for the field, as a sentence; undefined when it is. */
export function numberProblem(text: string, name: string, integer?: boolean, min?: number, max?: number): string | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) return `${name} must be a number.`;
  if (integer === true && !Number.isInteger(value)) return `${name} must be a whole number.`;
  if (min !== undefined && value < min) return `${name} must be at least ${min}.`;
  if (max !== undefined && value > max) return `${name} must be at most ${max}.`;
  return undefined;
}

/** A number input committed on blur; out-of-range or non-numeric text is refused with a sentence. */
export function NumberInput({ id, value, onCommit, name, integer, min, max, describedBy: described, required, placeholder, onTemplateTyped }: NumberInputProps) {
  const [draft, setDraft, remember] = useDraft(value === undefined ? '' : String(value));
  const [error, setError] = useState<string | undefined>();
  const errorId = `${id}-number-error`;
  const finish = () => {
    const problem = numberProblem(draft, name, integer, min, max);
    setError(problem);
    if (problem !== undefined) return;
    const next = draft.trim() === '' ? undefined : Number(draft);
    if (next === value) return;
    remember(draft);
    onCommit(next);
  };
  return (
    <>
      <input
        id={id}
        type="text"
        inputMode={integer === true ? 'numeric' : 'decimal'}
        value={draft}
        placeholder={placeholder}
        aria-required={required}
        {...controlErrorProps(described, errorId, error)}
        onChange={(event) => typedTemplate(event.target, onTemplateTyped) || setDraft(event.target.value)}
        {...commitOn(finish, false)}
      />
      <ControlError id={errorId} error={error} />
    </>
  );
}

/**
 * Hands the text to `onTemplateTyped` when a `{{` has just been opened at the caret of a control
 * that takes a template; true when it did, so the control leaves its own draft alone.
 */
export function typedTemplate(target: HTMLInputElement | HTMLTextAreaElement, onTemplateTyped: ((text: string, caret: number) => void) | undefined): boolean {
  const caret = target.selectionStart ?? target.value.length;
  if (onTemplateTyped === undefined || openTemplateAt(target.value, caret) === undefined) return false;
  onTemplateTyped(target.value, caret);
  return true;
}
