import { useMemo, useState } from 'react';
import { ControlError, controlErrorProps } from './control-error.tsx';
import { commitOn, typedTemplate } from './form-controls.tsx';
import { parseJsonText, toJsonText } from './format.ts';
import { useDraft } from './use-draft.ts';

interface JsonFieldProps {
  id: string;
  value: unknown;
  /** Called on blur with the parsed value (undefined when emptied); not called while the JSON is invalid. */
  onCommit(value: unknown): void;
  /** What the field is, for the error sentence ("The params of check_url"). */
  what: string;
  rows?: number;
  describedBy?: string;
  required?: boolean;
  /** Called instead of editing when a `{{` is typed, so the field can turn into an expression. */
  onTemplateTyped?(text: string, caret: number): void;
}

/**
 * A JSON value edited as text. It commits on blur, so a half-typed object never reaches the
 * playbook, and says in a sentence why text that is not JSON was not taken.
 */
export function JsonField({ id, value, onCommit, what, rows = 4, describedBy, required, onTemplateTyped }: JsonFieldProps) {
  const [error, setError] = useState<string | undefined>();
  const valueText = useMemo(() => toJsonText(value), [value]);
  const [text, setText, remember, shown] = useDraft(valueText, () => setError(undefined));

  const errorId = `${id}-json-error`;
  const finish = () => {
    const parsed = parseJsonText(text, what);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    setError(undefined);
    const next = toJsonText(parsed.value);
    if (next === shown.current) return;
    remember(next);
    onCommit(parsed.value);
  };
  return (
    <>
      <textarea
        id={id}
        className="json-input"
        rows={rows}
        spellCheck={false}
        value={text}
        aria-required={required}
        {...controlErrorProps(describedBy, errorId, error)}
        onChange={(event) => typedTemplate(event.target, onTemplateTyped) || setText(event.target.value)}
        {...commitOn(finish, true)}
      />
      <ControlError id={errorId} error={error} />
    </>
  );
}
