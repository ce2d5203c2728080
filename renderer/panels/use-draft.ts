import { useEffect, useRef, useState } from 'react';

/** The draft's text, its setter, a way to record a committed text, and the last text known to the parent. */
export type Draft = [draft: string, setDraft: (next: string) => void, remember: (committed: string) => void, known: { readonly current: string }];

/**
 * Keeps a draft of a prop while the user types, and follows the prop when it changes from outside
 * (undo), calling `onFollow` then so a control can drop state tied to the old draft.
 */
export function useDraft(value: string, onFollow?: () => void): Draft {
  const [draft, setDraft] = useState(value);
  const known = useRef(value);
  useEffect(() => {
    if (value !== known.current) {
      known.current = value;
      setDraft(value);
      onFollow?.();
    }
  }, [value]);
  return [draft, setDraft, (committed) => (known.current = committed), known];
}
