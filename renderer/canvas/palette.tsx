import { memo, useId, useMemo, useState } from 'react';
import type { DragEvent, KeyboardEvent } from 'react';
import { useStore } from '../store/index.ts';
import type { CatalogueItem } from '../store/types.ts';
import { KINDS, paletteGroups } from './categories.ts';
import type { PaletteGroup } from './categories.ts';
import { useViewportCentre } from './use-viewport-centre.ts';

/** The drag payload type: the node type (`virustotal.ip_report@1`) as text. */
export const NODE_DRAG_TYPE = 'application/x-switchboard-node';

/**
 * Every connector action and core node, grouped by category, with a search box. Items are
 * dragged onto the canvas, or clicked (Enter/Space) to land in the middle of the view.
 */
export function Palette() {
  const catalogue = useStore((s) => s.catalogue);
  const status = useStore((s) => s.catalogueStatus);
  const addNode = useStore((s) => s.addNode);
  const centre = useViewportCentre();
  const [query, setQuery] = useState('');
  const groups = useMemo(() => paletteGroups(catalogue, query), [catalogue, query]);
  const add = (type: string) => addNode(type, centre());

  return (
    <nav className="sb-palette" aria-label="Node palette">
      <input
        type="search"
        className="sb-palette-search"
        aria-label="Search nodes"
        placeholder="Search nodes, vendors…"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      {status === 'loading' ? <p className="sb-palette-empty">Loading the connector catalogue…</p> : null}
      {status === 'error' ? <p className="sb-palette-empty">The connector catalogue could not be loaded.</p> : null}
      {status === 'ready' && groups.length === 0 ? <p className="sb-palette-empty">No node matches “{query}”.</p> : null}
      <div className="sb-palette-groups">
        {groups.map((group) => (
          <PaletteSection key={group.kind} group={group} onAdd={add} />
        ))}
      </div>
    </nav>
  );
}

function PaletteSection({ group, onAdd }: { group: PaletteGroup; onAdd: (type: string) => void }) {
  const headingId = useId();
  return (
    <section className="sb-palette-group" aria-labelledby={headingId}>
      <h2 id={headingId} className="sb-palette-heading">
        {group.label}
      </h2>
      <ul className="sb-palette-items">
        {group.items.map((item) => (
          <PaletteItem key={item.action.type} item={item} kindTag={KINDS[group.kind].tag} kind={group.kind} onAdd={onAdd} />
        ))}
      </ul>
    </section>
  );
}

const PaletteItem = memo(function PaletteItem({ item, kind, kindTag, onAdd }: { item: CatalogueItem; kind: string; kindTag: string; onAdd: (type: string) => void }) {
  const { connector, action } = item;
  const onDragStart = (event: DragEvent) => {
    event.dataTransfer.setData(NODE_DRAG_TYPE, action.type);
    event.dataTransfer.setData('text/plain', action.type);
    event.dataTransfer.effectAllowed = 'copy';
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onAdd(action.type);
    }
  };
  return (
    <li>
      <div
        role="button"
        tabIndex={0}
        draggable
        className="sb-palette-item"
        data-kind={kind}
        data-type={action.type}
        aria-label={`Add ${connector.name}: ${action.title}`}
        title={action.description}
        onDragStart={onDragStart}
        onClick={() => onAdd(action.type)}
        onKeyDown={onKeyDown}
      >
        {/* The tag and the write mark are drawn by the CSS, and the vendor comes first in the markup (shown second), so the
            visible text reads as part of the label, "Add Okta: Suspend user" (WCAG 2.5.3, axe's label-content-name-mismatch). */}
        <span className="sb-node-icon" data-tag={kindTag} aria-hidden="true" />
        <span className="sb-palette-text">
          <span className="sb-palette-vendor" data-write={action.effect === 'write' ? 'true' : undefined}>
            {connector.name}
          </span>{' '}
          <span className="sb-palette-title">{action.title}</span>
        </span>
      </div>
    </li>
  );
});
