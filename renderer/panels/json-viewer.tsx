import { useState } from 'react';
import { useStore } from '../store/index.ts';
import { asTemplate, joinPath } from './expression-paths.ts';
import type { Segment } from './expression-paths.ts';

/** Children shown before a "Show all" button, so a 10,000-item list does not stall the panel. */
const PAGE = 100;

interface JsonViewerProps {
  value: unknown;
  /** Accessible name of the tree ("Output of check_url"). */
  label: string;
  /** Expression base of the value (`nodes.check_url.output`): keys then copy their path as a template. */
  basePath?: string;
  /** Levels open at first. */
  openDepth?: number;
}

/** Copies text to the clipboard, falling back to a hidden textarea where the async API is missing. */
export async function copyText(text: string): Promise<void> {
  if (typeof navigator !== 'undefined' && navigator.clipboard !== undefined) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

/**
 * A collapsible tree of a JSON value. With a `basePath`, clicking a key copies the expression
 * that reaches it (`{{ nodes.check_url.output.flagged_by[0] }}`) to paste into a parameter.
 */
export function JsonViewer({ value, label, basePath, openDepth = 1 }: JsonViewerProps) {
  const notify = useStore((state) => state.notify);

  async function copy(segments: readonly Segment[]): Promise<void> {
    if (basePath === undefined) return;
    const template = asTemplate(joinPath(basePath, segments));
    try {
      await copyText(template);
      notify('info', `Copied ${template} to the clipboard.`);
    } catch {
      notify('error', `Could not copy to the clipboard; the path is ${template}.`);
    }
  }

  return (
    <div className="json-viewer" role="group" aria-label={label}>
      <Entry name={basePath === undefined ? undefined : basePath.split('.').at(-1)} value={value} segments={[]} depth={0} openDepth={openDepth} onCopy={basePath === undefined ? undefined : copy} />
    </div>
  );
}

interface EntryProps {
  name: string | undefined;
  value: unknown;
  segments: readonly Segment[];
  depth: number;
  openDepth: number;
  onCopy: ((segments: readonly Segment[]) => void) | undefined;
}

function Entry({ name, value, segments, depth, openDepth, onCopy }: EntryProps) {
  const [open, setOpen] = useState(depth < openDepth);
  const [all, setAll] = useState(false);
  const container = value !== null && typeof value === 'object';
  const children: Array<[Segment, unknown]> = container
    ? Array.isArray(value)
      ? value.map((item, index): [Segment, unknown] => [index, item])
      : Object.entries(value as Record<string, unknown>)
    : [];
  const label = name ?? 'value';
  const where = segments.length === 0 ? label : joinPath('', segments);

  return (
    <div className="json-entry">
      <span className="json-line">
        {container ? (
          <button type="button" className="json-toggle" aria-expanded={open} aria-label={`${open ? 'Collapse' : 'Expand'} ${where}`} onClick={() => setOpen(!open)}>
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="json-toggle-spacer" />
        )}
        {name === undefined && segments.length === 0 ? null : onCopy === undefined ? (
          <span className="json-key">{name}</span>
        ) : (
          <button type="button" className="json-key" title="Copy this path as an expression" aria-label={`Copy the path of ${where}`} onClick={() => onCopy(segments)}>
            {name}
          </button>
        )}
        {name === undefined && segments.length === 0 ? null : <span className="json-colon">: </span>}
        {container ? <span className="json-summary">{summary(value)}</span> : <Scalar value={value} />}
      </span>
      {container && open ? (
        <div className="json-children">
          {(all ? children : children.slice(0, PAGE)).map(([key, child]) => (
            <Entry key={String(key)} name={typeof key === 'number' ? `[${key}]` : key} value={child} segments={[...segments, key]} depth={depth + 1} openDepth={openDepth} onCopy={onCopy} />
          ))}
          {!all && children.length > PAGE ? (
            <button type="button" className="link" onClick={() => setAll(true)}>
              Show all {children.length}
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function summary(value: object): string {
  if (Array.isArray(value)) return `[${value.length} ${value.length === 1 ? 'item' : 'items'}]`;
  const count = Object.keys(value).length;
  return `{${count} ${count === 1 ? 'key' : 'keys'}}`;
}

function Scalar({ value }: { value: unknown }) {
  const kind = value === null ? 'null' : typeof value;
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return <span className={`json-value json-${kind}`}>{text}</span>;
}
