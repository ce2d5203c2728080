/**
 * A control's own error sentence (text it refused on commit), apart from the field's problems:
 * the props that mark the control invalid and point at the sentence, and the sentence itself.
 */

/** aria-invalid, and aria-describedby joining the field's ids with the sentence's when shown. */
export function controlErrorProps(describedBy: string | undefined, errorId: string, error: string | undefined) {
  return {
    'aria-invalid': error !== undefined,
    'aria-describedby': [describedBy, error === undefined ? undefined : errorId].filter(Boolean).join(' ') || undefined,
  };
}

/** The sentence under the control, announced as it appears; nothing while there is none. */
export function ControlError({ id, error }: { id: string; error: string | undefined }) {
  return error === undefined ? null : (
    <p id={id} className="field-error" role="alert">
      {error}
    </p>
  );
}
