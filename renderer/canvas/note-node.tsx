import { NodeResizer } from '@xyflow/react';
import type { Node, NodeProps } from '@xyflow/react';
import { memo, useState } from 'react';
import { useStore } from '../store/index.ts';

export type NoteFlowNode = Node<{ text: string; color?: string }, 'note'>;

/**
 * A sticky note: free text beside the logic. Typing edits a draft; leaving the field commits it
 * as one undo step, and resizing (when selected) is one step too.
 */
export const NoteNode = memo(function NoteNode({ id, data, selected }: NodeProps<NoteFlowNode>) {
  const updateNote = useStore((s) => s.updateNote);
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const commit = () => {
    if (draft !== undefined) updateNote(id, { text: draft });
    setDraft(undefined);
  };
  return (
    <div className="sb-note" data-color={data.color ?? 'yellow'} data-testid={`note-${id}`}>
      <NodeResizer isVisible={selected} minWidth={140} minHeight={80} color="var(--sb-accent)" />
      <textarea
        className="sb-note-text nodrag nowheel"
        aria-label="Note text"
        placeholder="Write a note…"
        value={draft ?? data.text}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Escape') event.currentTarget.blur();
        }}
      />
    </div>
  );
});
