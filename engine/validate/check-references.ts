import type { PlaybookNode } from '../format/playbook.ts';
import { areAncestors } from '../graph/graph.ts';
import { hint, report } from './context.ts';
import type { CheckContext } from './context.ts';
import { missingField, shapeOfSchema } from './field-shapes.ts';
import type { Shape } from './field-shapes.ts';
import { fieldHint, nameOf } from './message-names.ts';

/** One `nodes.<target>` a template reads. */
export interface Reference {
  nodeIndex: number;
  /** The field within the node (`params.url`) and its full path (`nodes[2].params.url`). */
  field: string;
  path: string;
  target: string;
  /** The field as the Inspector labels it (`ipAddress`, or its title), for messages; computed only for one. */
  label: () => string;
  /** The names each plain path reads after `nodes.<target>` (`['output', 'score']`); none for JSONata-parsed ones. */
  reads: string[][];
}

/**
 * Each `nodes.<id>` read must name a node that runs before the reader; a plain path into its
 * output must name a field its type's output schema has (a warning).
 */
export function checkReferences(context: CheckContext, references: readonly Reference[]): void {
  const { graph, playbook } = context;
  const known = references.filter((reference) => graph.nodes.has(reference.target));
  const upstream = areAncestors(
    graph,
    known.map((reference) => [reference.target, (playbook.nodes[reference.nodeIndex] as PlaybookNode).id] as const),
    context.condensation,
  );
  const isUpstream = new Map(known.map((reference, index) => [reference, upstream[index] as boolean]));
  for (const reference of references) {
    const node = playbook.nodes[reference.nodeIndex] as PlaybookNode;
    const { field } = reference;
    const subject = `node ${node.id}, ${field} reads nodes.${reference.target}`;
    if (!graph.nodes.has(reference.target)) {
      report(context, {
        code: 'EXPRESSION_UNKNOWN_NODE',
        message: `${subject}, which does not exist${hint(context, reference.target, () => graph.ids)}`,
        nodeId: node.id,
        path: reference.path,
      });
    } else if (isUpstream.get(reference) !== true) {
      const why =
        reference.target === node.id
          ? 'its own output, which does not exist while it runs'
          : `but ${reference.target} is not upstream of ${node.id}, so its output cannot exist when ${node.id} runs`;
      report(context, {
        code: 'EXPRESSION_NOT_UPSTREAM',
        message: reference.target === node.id ? `node ${node.id}, ${field} reads ${why}` : `${subject}, ${why}`,
        nodeId: node.id,
        path: reference.path,
      });
    } else {
      checkOutputRead(context, node, reference);
    }
  }
}

/** The shape of a node's output from its type's declared output schema (a list of them under `forEach`); undefined when unknown. */
function outputShape(context: CheckContext, id: string): Shape | undefined {
  const index = context.nodeIndex.get(id);
  const schema = index === undefined ? undefined : context.specs[index]?.output;
  if (index === undefined || schema === undefined) return undefined;
  let shape: Shape;
  try {
    shape = shapeOfSchema(schema);
  } catch {
    return undefined;
  }
  return context.playbook.nodes[index]?.forEach === undefined ? shape : { kind: 'array', item: shape };
}

/** Warns when `nodes.<id>.output.<field…>` names a field the upstream type's output schema does not have. */
function checkOutputRead(context: CheckContext, node: PlaybookNode, reference: Reference): void {
  const reads = reference.reads.filter((steps) => steps[0] === 'output' && steps.length > 1);
  const shape = reads.length === 0 ? undefined : outputShape(context, reference.target);
  if (shape === undefined) return;
  for (const steps of reads) checkOutputPath(context, node, reference, shape, steps);
}

function checkOutputPath(context: CheckContext, node: PlaybookNode, reference: Reference, shape: Shape, steps: readonly string[]): void {
  const missing = missingField(shape, steps.slice(1));
  if (missing === undefined) return;
  const upstream = context.playbook.nodes[context.nodeIndex.get(reference.target) as number] as PlaybookNode;
  const where = ['output', ...missing.before].join('.');
  const read = `nodes.${reference.target}.${steps.join('.')}`;
  report(context, {
    severity: 'warning',
    code: 'EXPRESSION_UNKNOWN_FIELD',
    message: `${nameOf(node)}: ${reference.label()} reads ${read}, but ${nameOf(upstream)} (${upstream.type}) has no field ${missing.field} in its ${where}${fieldHint(missing.field, missing.known)}`,
    nodeId: node.id,
    path: reference.path,
  });
}
