import { mayHoldTemplate, scanTemplate } from '../expressions/scan.ts';
import { checkValue, compileValue, isStaticValue, referencesOf } from '../expressions/template.ts';
import { areAncestors, condense, findCycles, indexGraph, reachableFrom } from '../graph/graph.ts';
import { missingField, shapeOfSchema, shapeOfValue } from './field-shapes.ts';
import { describeIssue, valueAt } from './issue-message.ts';
import { didYouMean, formatPath } from './problems.ts';
import { ExpressionError } from '../expressions/types.ts';
import type { z } from 'zod';
import type { CompiledValue } from '../expressions/template.ts';
import type { Playbook, PlaybookEdge, PlaybookNode } from '../format/playbook.ts';
import type { Condensation, GraphIndex } from '../graph/graph.ts';
import type { NodeRegistry, NodeTypeSpec } from '../node-type.ts';
import type { Shape } from './field-shapes.ts';
import type { PathSegment, Problem } from './problems.ts';

/** The roots an expression may read (DESIGN.md §4). */
const SCOPE_ROOTS = ['trigger', 'nodes', 'item', 'index', 'vars', 'run'];

/** "Did you mean" hints cost a scan of all ids each; past this many they are left out. */
const MAX_HINTS = 50;

/** What every check reads: the playbook, its graph, and each node's spec when it is known. */
interface Context {
  playbook: Playbook;
  graph: GraphIndex;
  condensation: Condensation;
  registry: NodeRegistry | undefined;
  /** Spec of each entry of `playbook.nodes`, by index; undefined for unknown types. */
  specs: (NodeTypeSpec | undefined)[];
  /** Index in `playbook.nodes` of the first node with each id. */
  nodeIndex: Map<string, number>;
  edgeIndex: Map<PlaybookEdge, number>;
  /** Templates of each entry of `playbook.nodes`, by index. */
  templates: Template[][];
  problems: Problem[];
  hints: number;
}

/**
 * Checks a schema-valid playbook as a graph and against the node catalogue, and reports every
 * problem at once (not the first), each with a code, the node or edge, a path and one line.
 * Without a registry only the checks that need no node types run. Near-linear: a 20,000-node
 * playbook validates in a fraction of a second.
 */
export function validatePlaybook(playbook: Playbook, registry?: NodeRegistry): Problem[] {
  const graph = indexGraph(playbook);
  const context: Context = {
    playbook,
    graph,
    condensation: condense(graph),
    registry,
    specs: playbook.nodes.map((node) => registry?.get(node.type)),
    nodeIndex: firstIndexById(playbook.nodes),
    edgeIndex: new Map(playbook.edges.map((edge, index) => [edge, index])),
    templates: playbook.nodes.map(templatesOf),
    problems: [],
    hints: 0,
  };
  checkIds(context);
  checkTypes(context);
  checkEdges(context);
  const triggers = checkTriggers(context);
  checkCycles(context);
  checkReachability(context, triggers);
  checkExpressions(context, triggers);
  checkParams(context);
  checkCredentials(context);
  return context.problems;
}

function report(context: Context, problem: Omit<Problem, 'severity'> & { severity?: Problem['severity'] }): void {
  context.problems.push({ severity: 'error', ...problem });
}

function hint(context: Context, word: string, candidates: () => readonly string[]): string {
  if (context.hints >= MAX_HINTS) return '';
  context.hints++;
  return didYouMean(word, candidates());
}

function firstIndexById(nodes: readonly PlaybookNode[]): Map<string, number> {
  const first = new Map<string, number>();
  nodes.forEach((node, index) => {
    if (!first.has(node.id)) first.set(node.id, index);
  });
  return first;
}

function checkIds(context: Context): void {
  context.playbook.nodes.forEach((node, index) => {
    const first = context.nodeIndex.get(node.id) as number;
    if (first === index) return;
    report(context, {
      code: 'DUPLICATE_NODE_ID',
      message: `node id ${node.id} is used by nodes[${first}] and nodes[${index}]; ids must be unique`,
      nodeId: node.id,
      path: `nodes[${index}].id`,
    });
  });
  const edgeIds = new Map<string, number>();
  context.playbook.edges.forEach((edge, index) => {
    const first = edgeIds.get(edge.id);
    if (first === undefined) {
      edgeIds.set(edge.id, index);
      return;
    }
    report(context, {
      code: 'DUPLICATE_EDGE_ID',
      message: `edge id ${edge.id} is used by edges[${first}] and edges[${index}]; ids must be unique`,
      edgeId: edge.id,
      path: `edges[${index}].id`,
    });
  });
}

/** One problem per node of an unknown type, each listing every unknown type of the playbook. */
function checkTypes(context: Context): void {
  const { registry, playbook, specs } = context;
  if (registry === undefined) return;
  const unknown = [...new Set(playbook.nodes.filter((_, index) => specs[index] === undefined).map((node) => node.type))];
  if (unknown.length === 0) return;
  const versions = installedVersions(registry);
  const all = unknown.length > 1 ? `; unknown types in this playbook: ${unknown.join(', ')}` : '';
  playbook.nodes.forEach((node, index) => {
    if (specs[index] !== undefined) return;
    const installed = versions.get(node.type.replace(/@\d+$/, ''));
    const other = installed === undefined ? '' : ` (installed: ${installed.join(', ')})`;
    report(context, {
      code: 'UNKNOWN_NODE_TYPE',
      message: `node ${node.id} has type ${node.type}, which is not installed${other}${all}`,
      nodeId: node.id,
      path: `nodes[${index}].type`,
    });
  });
}

function installedVersions(registry: NodeRegistry): Map<string, string[]> {
  const versions = new Map<string, string[]>();
  for (const type of registry.keys()) {
    const base = type.replace(/@\d+$/, '');
    versions.set(base, [...(versions.get(base) ?? []), type]);
  }
  return versions;
}

function specOf(context: Context, id: string): NodeTypeSpec | undefined {
  const index = context.nodeIndex.get(id);
  return index === undefined ? undefined : context.specs[index];
}

/** Output ports of a node; undefined when its type is unknown or its spec cannot tell. */
function portsOf(spec: NodeTypeSpec | undefined, node: PlaybookNode): string[] | undefined {
  if (spec === undefined) return undefined;
  try {
    return spec.ports(node.params);
  } catch {
    return undefined;
  }
}

function checkEdges(context: Context): void {
  const { graph, playbook } = context;
  const ids = () => graph.ids;
  const portCache = new Map<string, string[] | undefined>();
  playbook.edges.forEach((edge, index) => {
    const from = graph.nodes.get(edge.from);
    for (const [end, id] of [['from', edge.from], ['to', edge.to]] as const) {
      if (graph.nodes.has(id)) continue;
      const direction = end === 'from' ? 'comes from' : 'goes to';
      report(context, {
        code: 'EDGE_DANGLING',
        message: `edge ${edge.id} ${direction} node ${id || '""'}, which does not exist${hint(context, id, ids)}`,
        edgeId: edge.id,
        path: `edges[${index}].${end}`,
      });
    }
    if (from === undefined) return;
    if (!portCache.has(from.id)) portCache.set(from.id, portsOf(specOf(context, from.id), from));
    const ports = portCache.get(from.id);
    if (ports !== undefined && !ports.includes(edge.port)) {
      const has = ports.length === 0 ? 'it has no output ports' : `its ports are ${ports.join(', ')}`;
      report(context, {
        code: 'EDGE_UNKNOWN_PORT',
        message: `edge ${edge.id} leaves ${from.id} by port "${edge.port}", which ${from.type} does not have; ${has}`,
        edgeId: edge.id,
        nodeId: from.id,
        path: `edges[${index}].port`,
      });
    }
    if (specOf(context, edge.to)?.kind === 'trigger') {
      report(context, {
        code: 'EDGE_INTO_TRIGGER',
        message: `edge ${edge.id} leads into the trigger ${edge.to}; a trigger only starts runs and takes no input`,
        edgeId: edge.id,
        nodeId: edge.to,
        path: `edges[${index}].to`,
      });
    }
  });
}

/** Reports anything but exactly one trigger; returns the trigger ids found. */
function checkTriggers(context: Context): string[] {
  const { playbook, specs } = context;
  if (context.registry === undefined) return [];
  const triggers = playbook.nodes.filter((_, index) => specs[index]?.kind === 'trigger');
  const unknownTypes = specs.some((spec) => spec === undefined);
  if (triggers.length === 0 && !unknownTypes) {
    report(context, {
      code: 'TRIGGER_COUNT',
      message: 'the playbook has no trigger node; it needs exactly one to start its runs',
      path: 'nodes',
    });
  }
  if (triggers.length > 1) {
    const second = triggers[1] as PlaybookNode;
    report(context, {
      code: 'TRIGGER_COUNT',
      message: `the playbook has ${triggers.length} trigger nodes (${triggers.map((node) => node.id).join(', ')}); it needs exactly one`,
      nodeId: second.id,
      path: `nodes[${playbook.nodes.indexOf(second)}]`,
    });
  }
  return triggers.map((node) => node.id);
}

function checkCycles(context: Context): void {
  for (const cycle of findCycles(context.graph, context.condensation)) {
    report(context, {
      code: 'PLAYBOOK_CYCLE',
      message: `edge ${cycle.edge.id} closes a loop ${cycle.nodes.join(' → ')}`,
      edgeId: cycle.edge.id,
      nodeId: cycle.edge.from,
      path: `edges[${context.edgeIndex.get(cycle.edge) ?? 0}]`,
    });
  }
}

function checkReachability(context: Context, triggers: readonly string[]): void {
  if (triggers.length === 0) return;
  const reached = reachableFrom(context.graph, triggers);
  const start = triggers.join(', ');
  context.playbook.nodes.forEach((node, index) => {
    if (reached.has(node.id) || context.nodeIndex.get(node.id) !== index) return;
    report(context, {
      severity: 'warning',
      code: 'NODE_UNREACHABLE',
      message: `node ${node.id} is not reachable from the trigger ${start}, so it never runs`,
      nodeId: node.id,
      path: `nodes[${index}]`,
    });
  });
}

/** A string holding `{{`, and where it sits in its node (`params.url`, `forEach`). */
interface Template {
  path: PathSegment[];
  text: string;
  /** Known once parsed: false for text whose `{{` is only escaped (`\{{`). */
  dynamic: boolean;
}

/** A node's templates: every string of its params (at any depth) and its `forEach`. */
function templatesOf(node: PlaybookNode): Template[] {
  const found: Template[] = [];
  const stack: { path: PathSegment[]; value: unknown }[] = [{ path: ['params'], value: node.params }];
  while (stack.length > 0) {
    const { path, value } = stack.pop() as { path: PathSegment[]; value: unknown };
    if (typeof value === 'string') {
      if (mayHoldTemplate(value)) found.push({ path, text: value, dynamic: true });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ path: [...path, i], value: value[i] });
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        stack.push({ path: [...path, key], value: (value as Record<string, unknown>)[key] });
      }
    }
  }
  if (node.forEach !== undefined) found.push({ path: ['forEach'], text: node.forEach, dynamic: true });
  return found;
}

interface Reference {
  nodeIndex: number;
  /** The field within the node (`params.url`) and its full path (`nodes[2].params.url`). */
  field: string;
  path: string;
  target: string;
  /** The field as the Inspector labels it (`ipAddress`, or its title), for messages. */
  label: string;
  /** The names each plain path reads after `nodes.<target>` (`['output', 'score']`); none for JSONata-parsed ones. */
  reads: string[][];
}

/** A plain path a template reads from `trigger`: the names after the root. */
interface TriggerRead {
  nodeIndex: number;
  label: string;
  path: string;
  steps: string[];
}

/**
 * Parses every template (so a typo shows before anything runs), then checks that each
 * `nodes.<id>` it reads exists and runs before the reading node.
 */
function checkExpressions(context: Context, triggers: readonly string[]): void {
  const references: Reference[] = [];
  const triggerReads: TriggerRead[] = [];
  context.playbook.nodes.forEach((node, nodeIndex) => {
    for (const template of context.templates[nodeIndex] ?? []) {
      const field = formatPath(template.path);
      const path = `nodes[${nodeIndex}].${field}`;
      const label = labelOfTemplate(context.specs[nodeIndex], template.path);
      const found = plainReferences(template.text) ?? compiledReferences(context, node, template, path);
      if (found === undefined) continue;
      template.dynamic = found.dynamic;
      const { roots, nodes } = found;
      for (const root of roots) {
        if (SCOPE_ROOTS.includes(root)) continue;
        report(context, {
          severity: 'warning',
          code: 'EXPRESSION_UNKNOWN_ROOT',
          message: `node ${node.id}, ${field} reads ${root}, which is not in scope (${SCOPE_ROOTS.join(', ')})`,
          nodeId: node.id,
          path,
        });
      }
      const plain = distinctPaths(found.paths);
      for (const target of nodes) {
        const reads = plain.filter((names) => names[0] === 'nodes' && names[1] === target).map((names) => names.slice(2));
        references.push({ nodeIndex, field, path, target, label, reads });
      }
      for (const names of plain) {
        if (names[0] === 'trigger' && names.length > 1) triggerReads.push({ nodeIndex, label, path, steps: names.slice(1) });
      }
    }
  });
  checkReferences(context, references);
  checkTriggerReads(context, triggers, triggerReads);
}

/** Paths without repeats, so a field read twice in one template is reported once. */
function distinctPaths(paths: ReadonlyArray<readonly string[]>): Array<readonly string[]> {
  const seen = new Set<string>();
  return paths.filter((names) => {
    const key = names.join('.');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

interface FoundReferences {
  roots: ReadonlySet<string>;
  nodes: ReadonlySet<string>;
  dynamic: boolean;
  /** The dotted names each path from a root reads (`['nodes', 'fetch', 'output', 'url']`). */
  paths: Array<readonly string[]>;
}

/** A dotted path of plain names (`nodes.fetch.output.url`, `$$.trigger.ip`); JSONata keywords excluded. */
const PLAIN_PATH = /^\s*(?:\$\$?\.)?([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*$/;
const KEYWORDS = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);

/**
 * References of a template whose expressions are all plain dotted paths, read without JSONata
 * (whose parser costs ~0.1 ms an expression: too slow for 20,000 nodes); undefined otherwise.
 */
function plainReferences(text: string): FoundReferences | undefined {
  let parts;
  try {
    parts = scanTemplate(text).parts;
  } catch {
    return undefined;
  }
  const roots = new Set<string>();
  const nodes = new Set<string>();
  const paths: string[][] = [];
  for (const part of parts) {
    if (part.kind === 'text') continue;
    const names = PLAIN_PATH.exec(part.source)?.[1]?.split('.');
    if (names === undefined || names.some((name) => KEYWORDS.has(name))) return undefined;
    const [root, second] = names;
    roots.add(root as string);
    if (root === 'nodes' && second !== undefined) nodes.add(second);
    paths.push(names);
  }
  return { roots, nodes, dynamic: roots.size > 0, paths };
}

/** References through the real compiler; on a syntax error, reports every error and returns undefined. */
function compiledReferences(context: Context, node: PlaybookNode, template: Template, path: string): FoundReferences | undefined {
  const field = formatPath(template.path);
  let compiled: CompiledValue;
  try {
    compiled = compileValue(template.text, field);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    for (const found of checkValue(template.text, field)) {
      report(context, { code: 'EXPRESSION_SYNTAX', message: `node ${node.id}, ${found.message}`, nodeId: node.id, path });
    }
    return undefined;
  }
  return { ...referencesOf(compiled), dynamic: !isStaticValue(compiled) };
}

function checkReferences(context: Context, references: readonly Reference[]): void {
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

/** The label of a template's field: its param's label, or `forEach`. */
function labelOfTemplate(spec: NodeTypeSpec | undefined, path: readonly PathSegment[]): string {
  if (path[0] !== 'params') return formatPath(path);
  return spec === undefined ? formatPath(path.slice(1)) || 'params' : fieldLabel(spec.input, path.slice(1));
}

/** A node's name as the canvas shows it, for messages. */
function nameOf(node: PlaybookNode): string {
  return node.name.trim() === '' ? node.id : node.name;
}

/** The shape of a node's output from its type's declared output schema (a list of them under `forEach`); undefined when unknown. */
function outputShape(context: Context, id: string): Shape | undefined {
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
function checkOutputRead(context: Context, node: PlaybookNode, reference: Reference): void {
  const reads = reference.reads.filter((steps) => steps[0] === 'output' && steps.length > 1);
  const shape = reads.length === 0 ? undefined : outputShape(context, reference.target);
  if (shape === undefined) return;
  for (const steps of reads) checkOutputPath(context, node, reference, shape, steps);
}

function checkOutputPath(context: Context, node: PlaybookNode, reference: Reference, shape: Shape, steps: readonly string[]): void {
  const missing = missingField(shape, steps.slice(1));
  if (missing === undefined) return;
  const upstream = context.playbook.nodes[context.nodeIndex.get(reference.target) as number] as PlaybookNode;
  const where = ['output', ...missing.before].join('.');
  const read = `nodes.${reference.target}.${steps.join('.')}`;
  report(context, {
    severity: 'warning',
    code: 'EXPRESSION_UNKNOWN_FIELD',
    message: `${nameOf(node)}: ${reference.label} reads ${read}, but ${nameOf(upstream)} (${upstream.type}) has no field ${missing.field} in its ${where}${fieldHint(missing.field, missing.known)}`,
    nodeId: node.id,
    path: reference.path,
  });
}

function fieldHint(field: string, known: readonly string[]): string {
  const near = didYouMean(field, known);
  if (near !== '') return near;
  if (known.length === 0) return '';
  const listed = known.length > 8 ? `${known.slice(0, 8).join(', ')}…` : known.join(', ');
  return `; it has ${listed}`;
}

/** The fields the trigger's sample event and declared output schema promise, each when there is one. */
function triggerShapes(context: Context, id: string): Array<{ what: string; shape: Shape }> {
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

/** Warns when `trigger.<field…>` names a field that neither the trigger's sample nor its declared schema has. */
function checkTriggerReads(context: Context, triggers: readonly string[], reads: readonly TriggerRead[]): void {
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
      message: `${nameOf(node)}: ${read.label} reads trigger.${read.steps.join('.')}, but field ${missing.field}${where} is ${neither} in ${nameOf(trigger)}'s ${sources}${fieldHint(missing.field, missing.known)}`,
      nodeId: node.id,
      path: read.path,
    });
  }
}

/**
 * Checks params against the node type's input schema. Values holding a template are only known
 * at run time, so issues on them (or on objects containing them) are dropped; a missing
 * required field is always reported.
 */
function checkParams(context: Context): void {
  context.playbook.nodes.forEach((node, index) => {
    const spec = context.specs[index];
    if (spec === undefined) return;
    let issues: readonly z.core.$ZodIssue[];
    try {
      const result = spec.input.safeParse(node.params);
      issues = result.success ? [] : result.error.issues;
    } catch {
      return;
    }
    const templated = (context.templates[index] ?? [])
      .filter((template) => template.dynamic && template.path[0] === 'params')
      .map((template) => template.path.slice(1));
    for (const issue of issues) {
      const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
      for (const relative of paths as PathSegment[][]) {
        if (templated.some((path) => overlaps(path, relative))) continue;
        const value = valueAt(node.params, relative);
        const field = formatPath(['params', ...relative]);
        // A required union (`ipv4 | ipv6`) that is absent or empty fails as invalid_union: still "is required".
        const missing = (issue.code === 'invalid_type' || issue.code === 'invalid_union') && value === undefined;
        const empty = (issue.code === 'too_small' || issue.code === 'invalid_union') && value === '';
        const message =
          issue.code === 'unrecognized_keys'
            ? `node ${node.id}: ${field} is not a parameter of ${node.type}`
            : missing || empty
              ? `${nameOf(node)}: ${fieldLabel(spec.input, relative)} is required`
              : `node ${node.id}: ${describeIssue(issue, field, value)}`;
        report(context, {
          code: missing ? 'PARAM_REQUIRED' : 'PARAM_INVALID',
          message,
          nodeId: node.id,
          path: `nodes[${index}].${field}`,
        });
      }
    }
  });
}

/**
 * A param's label as the Inspector shows it: the schema's `title` (zod `.meta({ title })`) when it
 * has one, else its key (`ipAddress`, or `body.query` inside an object).
 */
function fieldLabel(input: z.ZodType, relative: readonly PathSegment[]): string {
  const title = titleAt(input, relative);
  return title ?? (formatPath(relative) || 'params');
}

function titleAt(schema: z.ZodType, relative: readonly PathSegment[]): string | undefined {
  let current: z.ZodType | undefined = schema;
  for (const segment of relative) {
    current = current === undefined ? undefined : childSchema(current, segment);
  }
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    const title = (current.meta() as { title?: unknown } | undefined)?.title;
    if (typeof title === 'string' && title !== '') return title;
    current = (current as unknown as { _zod: { def: { innerType?: z.ZodType } } })._zod.def.innerType;
  }
  return undefined;
}

/** The schema of one key of an object schema (through optional/default/nullable wrappers); undefined otherwise. */
function childSchema(schema: z.ZodType, segment: PathSegment): z.ZodType | undefined {
  let def = (schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType> } } })._zod.def;
  for (let depth = 0; def.innerType !== undefined && depth < 8; depth++) {
    def = (def.innerType as unknown as { _zod: { def: typeof def } })._zod.def;
  }
  return def.type === 'object' && typeof segment === 'string' && def.shape !== undefined && Object.hasOwn(def.shape, segment) ? def.shape[segment] : undefined;
}

/** Whether one path is a prefix of the other (the same field, inside it, or around it). */
function overlaps(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A sub-playbook node's explicit hand-over of credentials: child slot → this playbook's slot. */
function passedSlots(node: PlaybookNode): Array<[string, string]> {
  const passed = node.type.startsWith('core.playbook@') ? node.params.credentials : undefined;
  if (typeof passed !== 'object' || passed === null || Array.isArray(passed)) return [];
  return Object.entries(passed).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
}

function checkCredentials(context: Context): void {
  const { playbook, specs } = context;
  const slots = playbook.credentials;
  const declared = Object.keys(slots);
  const used = new Set<string>();
  playbook.nodes.forEach((node, index) => {
    const spec = specs[index];
    for (const [childSlot, slot] of passedSlots(node)) {
      used.add(slot);
      if (Object.hasOwn(slots, slot)) continue;
      report(context, {
        code: 'CREDENTIAL_UNKNOWN_SLOT',
        message: `node ${node.id} passes credential slot ${slot} to the sub-playbook's slot ${childSlot}, but this playbook does not declare ${slot}`,
        nodeId: node.id,
        path: formatPath(['nodes', index, 'params', 'credentials', childSlot]),
      });
    }
    const wanted = spec?.credentials;
    const at = { nodeId: node.id, path: `nodes[${index}].credential` };
    if (node.credential === undefined) {
      if (wanted?.required === true) {
        report(context, {
          code: 'CREDENTIAL_MISSING',
          message: `node ${node.id} needs a ${wanted.connector} credential; bind one of the playbook's credential slots`,
          ...at,
        });
      }
      return;
    }
    used.add(node.credential);
    if (!Object.hasOwn(slots, node.credential)) {
      const list = declared.length === 0 ? 'none are declared' : `declared: ${declared.join(', ')}`;
      report(context, {
        code: 'CREDENTIAL_UNKNOWN_SLOT',
        message: `node ${node.id} uses credential slot ${node.credential}, which the playbook does not declare (${list})`,
        ...at,
      });
      return;
    }
    const slot = slots[node.credential];
    if (spec === undefined || slot === undefined) return;
    if (wanted === undefined) {
      report(context, {
        severity: 'warning',
        code: 'CREDENTIAL_NOT_ACCEPTED',
        message: `node ${node.id} binds credential slot ${node.credential}, but ${node.type} takes no credential`,
        ...at,
      });
    } else if (slot.connector !== wanted.connector) {
      report(context, {
        code: 'CREDENTIAL_WRONG_CONNECTOR',
        message: `node ${node.id} uses slot ${node.credential}, a ${slot.connector} credential, but ${node.type} needs a ${wanted.connector} credential`,
        ...at,
      });
    }
  });
  for (const name of declared) {
    if (used.has(name)) continue;
    report(context, {
      severity: 'warning',
      code: 'CREDENTIAL_UNUSED',
      message: `credential slot ${name} is declared but no node uses it`,
      path: formatPath(['credentials', name]),
    });
  }
}
