import { useEffect, useRef, useState } from 'react';
import { isCommitKey } from './form-controls.tsx';
import { parseJsonText, toJsonText } from './format.ts';

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
}

/**
 * A JSON value edited as text. It commits on blur, so a half-typed object never reaches the
 * playbook, and says in a sentence why text that is not JSON was not taken.
 */
export function JsonField({ id, value, onCommit, what, rows = 4, describedBy, required }: JsonFieldProps) {
  const [text, setText] = useState(() => toJsonText(value));
  const [error, setError] = useState<string | undefined>();
  const shown = useRef(text);

  useEffect(() => {
    const next = toJsonText(value);
    if (next !== shown.current) {
      shown.current = next;
      setText(next);
      setError(undefined);
    }
  }, [value]);

  const errorId = `${id}-json-error`;
  const finish = () => {
    const parsed = parseJsonText(text, what);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    setError(undefined);
    if (toJsonText(parsed.value) === shown.current) return;
    shown.current = toJsonText(parsed.value);
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
        aria-invalid={error !== undefined}
        aria-required={required}
        aria-describedby={[describedBy, error === undefined ? undefined : errorId].filter(Boolean).join(' ') || undefined}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => isCommitKey(event, true) && finish()}
        onBlur={finish}
      />
      {error === undefined ? null : (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
