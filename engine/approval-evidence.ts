/**
 * What an approver is shown beside the prompt (the IP, its reputation score, the host): each row
 * a label and its value as text, or why the value could not be worked out. Kept as text so the
 * card, the CLI prompt and the journal show exactly the same thing.
 */
export type EvidenceItem = { label: string; value: string } | { label: string; error: string };

/** Longest value text kept: evidence is a glance, not a dump (the node's output holds the rest). */
export const MAX_EVIDENCE_TEXT = 500;

/** Most rows an approval shows. */
export const MAX_EVIDENCE_ITEMS = 20;

/**
 * A value as one line of evidence: strings as they are, absent as "(none)", anything else as
 * compact JSON; cut at `MAX_EVIDENCE_TEXT` with an ellipsis so one huge list cannot swamp the card.
 */
export function evidenceText(value: unknown): string {
  const text = value === undefined || value === null ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const line = text.replace(/\s*\n\s*/g, ' ');
  return line.length > MAX_EVIDENCE_TEXT ? `${line.slice(0, MAX_EVIDENCE_TEXT - 1)}…` : line;
}

/** One evidence row as `label: value` (or `label: could not be evaluated: why`), for text outputs. */
export function evidenceLine(item: EvidenceItem): string {
  return 'error' in item ? `${item.label}: could not be evaluated: ${item.error}` : `${item.label}: ${item.value}`;
}
