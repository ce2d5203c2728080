import { NodeSchema, PlaybookSchema } from '../../engine/format/playbook.ts';

/** The longest node name the playbook format accepts, read from its schema so the two never disagree. */
export const NODE_NAME_MAX = NodeSchema.shape.name.maxLength ?? 200;
/** The longest playbook name the playbook format accepts. */
export const PLAYBOOK_NAME_MAX = PlaybookSchema.shape.name.maxLength ?? 200;

/** The counter shows from this share of the limit on, so short names stay uncluttered. */
const NEAR_LIMIT = 0.8;

/**
 * What to show under a length-limited text while it is typed: nothing while it is short, a
 * counter near the limit, and a sentence once the limit is reached (the field refuses more).
 */
export function lengthNotice(length: number, max: number, what: string): string | undefined {
  if (length >= max) return `${what} can be at most ${max} characters: ${length} / ${max}.`;
  if (length >= Math.ceil(max * NEAR_LIMIT)) return `${length} / ${max} characters`;
  return undefined;
}
