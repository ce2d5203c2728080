import { useEffect, useId, useRef, useState } from 'react';
import type { CSSProperties, KeyboardEvent } from 'react';
import { caretBox, listPlacement } from './caret-position.ts';
import { isCommitKey } from './form-controls.tsx';
import { filterSuggestions, insertTemplate, openTemplateAt } from './expression-paths.ts';
import type { OpenTemplate, Suggestion } from './expression-paths.ts';
import { useDraft } from './use-draft.ts';

interface ExpressionInputProps {
  id: string;
  value: string;
  /** Called on blur and when a suggestion is taken, so typing is one undo step, not one per key. */
  onCommit(value: string): void;
  /** The paths this field can reach; asked when a `{{` opens, so an idle form costs nothing. */
  getSuggestions(): readonly Suggestion[];
  multiline?: boolean;
  describedBy?: string;
  required?: boolean;
  placeholder?: string;
  /** Text typed into another control that opened a `{{`: the field starts with it, focused, its list open. */
  seed?: { text: string; caret: number };
}

/**
 * A text field that may hold `{{ }}` templates. Typing `{{` opens a list of the paths this node
 * can reach (upstream outputs, the trigger, vars), filtered by what follows; Enter or a click
 * inserts the whole template. It follows the ARIA combobox pattern.
 */
export function ExpressionInput({ id, value, onCommit, getSuggestions, multiline, describedBy, required, placeholder, seed }: ExpressionInputProps) {
  const [text, setText, remember, committed] = useDraft(value);
  const [open, setOpen] = useState<OpenTemplate | undefined>();
  const [active, setActive] = useState(0);
  const [place, setPlace] = useState<CSSProperties | undefined>();
  const field = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const listId = `${useId()}-suggestions`;
  const suggestions = useRef<readonly Suggestion[]>([]);

  useEffect(() => {
    if (seed === undefined || field.current === null) return;
    field.current.focus();
    track(seed.text, seed.caret);
    // After the seeded text is drawn: setting a field's value moves its caret to the end.
    requestAnimationFrame(() => field.current?.setSelectionRange(seed.caret, seed.caret));
  }, []);

  const matches = open === undefined ? [] : filterSuggestions(suggestions.current, open.query);
  const expanded = matches.length > 0;

  function commit(next: string): void {
    if (next === committed.current) return;
    remember(next);
    onCommit(next);
  }

  function track(next: string, caret: number): void {
    const opened = openTemplateAt(next, caret);
    if (opened !== undefined && open === undefined) {
      suggestions.current = getSuggestions();
      setPlace(placeAt(next, opened.start));
    }
    setText(next);
    setOpen(opened);
    setActive(0);
  }

  /** Puts the list under the `{{` at `start`, measured on the field as it is drawn. */
  function placeAt(next: string, start: number): CSSProperties | undefined {
    const element = field.current;
    if (element === null) return undefined;
    const spot = listPlacement(caretBox(element, next, start), { width: element.offsetWidth, height: element.offsetHeight }, multiline === true);
    return { top: element.offsetTop + spot.top, left: element.offsetLeft + spot.left };
  }

  function take(suggestion: Suggestion): void {
    if (open === undefined) return;
    const caret = field.current?.selectionStart ?? text.length;
    const result = insertTemplate(text, caret, open, suggestion.template);
    setText(result.text);
    setOpen(undefined);
    commit(result.text);
    requestAnimationFrame(() => field.current?.setSelectionRange(result.caret, result.caret));
  }

  function onKeyDown(event: KeyboardEvent): void {
    if (!expanded) {
      if (isCommitKey(event, multiline === true)) commit(text);
      return;
    }
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((current) => (current + step + matches.length) % matches.length);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      const chosen = matches[active];
      if (chosen !== undefined) {
        event.preventDefault();
        take(chosen);
      }
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setOpen(undefined);
    }
  }

  const shared = {
    id,
    ref: field,
    value: text,
    role: 'combobox',
    spellCheck: false,
    placeholder,
    'aria-autocomplete': 'list' as const,
    'aria-expanded': expanded,
    'aria-controls': listId,
    'aria-activedescendant': expanded ? `${listId}-${active}` : undefined,
    'aria-describedby': describedBy,
    'aria-required': required,
    onKeyDown,
    onBlur: () => {
      setOpen(undefined);
      commit(text);
    },
  };

  return (
    <div className="expression-input">
      {multiline === true ? (
        <textarea {...shared} rows={3} onChange={(event) => track(event.target.value, event.target.selectionStart ?? event.target.value.length)} />
      ) : (
        <input {...shared} type="text" onChange={(event) => track(event.target.value, event.target.selectionStart ?? event.target.value.length)} />
      )}
      <ul id={listId} role="listbox" aria-label="Expression suggestions" className="suggestions" style={place} hidden={!expanded}>
        {matches.map((suggestion, index) => (
          <li
            key={suggestion.path}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === active}
            className={index === active ? 'active' : undefined}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => take(suggestion)}
          >
            <code>{suggestion.template}</code>
            <span className="suggestion-meta">
              {suggestion.preview} · {suggestion.source}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
