import type { PlaybookNode } from '../format/playbook.ts';
import { report } from './context.ts';
import type { CheckContext } from './context.ts';
import { missingField, shapeOfSchema, shapeOfValue } from './field-shapes.ts';
import type { Shape } from './field-shapes.ts';
import { fieldHint, nameOf } from './message-names.ts';

/** A plain path a template reads from `trigger`: the names after the root. */
export interface TriggerRead {
  nodeIndex: number;
  /** The field's label, computed only for a message. */
  label: () => string;
  path: string;
  steps: string[];
}

/** Warns when `trigger.<field…>` names a field that neither the trigger's sample nor its declared schema has. */
export function checkTriggerReads(context: CheckContext, triggers: readonly string[], reads: readonly TriggerRead[]): void {
  if (triggers.length !== 1 || reads.length === 0) return;
  const trigger = context.playbook.nodes[context.nodeIndex.get(triggers[0] as string) as number] as PlaybookNode;
  const shapes = triggerShapes(context, trigger.id);
  if (shapes.length === 0) return;
  for (const read of reads) {
    const misses = shapes.map(({ shape }) => missingField(shape, read.steps));
    if (misses.some((miss) => miss === undefined)) continue;
    const missing = misses[0] as NonNullable<(typeof misses)[number]>;
    const node = context.playbook.nodes[read.nodeIndex] as PlaybookNode;
    const where = missing.before.length === 0 ? '' : ` in ${missing.before.join('.')}`;
    const sources = shapes.map(({ what }) => what).join(' nor its ');
    const neither = shapes.length > 1 ? 'neither' : 'not';
    report(context, {
      severity: 'warning',
      code: 'EXPRESSION_UNKNOWN_TRIGGER_FIELD',
      message: `${nameOf(node)}: ${read.label()} reads trigger.${read.steps.join('.')}, but field ${missing.field}${where} is ${neither} in ${nameOf(trigger)}'s ${sources}${fieldHint(missing.field, missing.known)}`,
      nodeId: node.id,
      path: read.path,
    });
  }
}

/** The fields the trigger's sample event and declared output schema promise, each when there is one. */
function triggerShapes(context: CheckContext, id: string): Array<{ what: string; shape: Shape }> {
  const index = context.nodeIndex.get(id) as number;
  const node = context.playbook.nodes[index] as PlaybookNode;
  const shapes: Array<{ what: string; shape: Shape }> = [];
  const sample = node.params['sample'];
  if (sample !== undefined && sample !== null && typeof sample === 'object') shapes.push({ what: 'sample event', shape: shapeOfValue(sample) });
  const schema = context.specs[index]?.output;
  if (schema !== undefined) {
    try {
      shapes.push({ what: 'event schema', shape: shapeOfSchema(schema) });
    } catch {
      return [];
    }
  }
  return shapes;
}
