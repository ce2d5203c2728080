import { useState } from 'react';
import type { PlaybookNode } from '../../engine/format/playbook.ts';
import { parsePath } from '../../engine/validate/problems.ts';
import type { Problem } from '../../engine/validate/problems.ts';
import { credentialConnectorOf, portsOf } from '../store/catalogue-slice.ts';
import { useStore } from '../store/index.ts';
import { uniqueId } from '../store/playbook-to-canvas.ts';
import type { CatalogueItem } from '../store/types.ts';
import { completionsFor } from './completion.ts';
import type { Suggestion } from './expression-paths.ts';
import { ExpressionInput } from './expression-input.tsx';
import { RETRY_RULES, retrySummary, writeSummary } from './failure-policy.ts';
import { Field, NumberInput, TextInput, describedBy } from './form-controls.tsx';
import { JsonField } from './json-field.tsx';
import { NODE_NAME_MAX, PLAYBOOK_NAME_MAX } from './length-limit.ts';
import { ProblemsList } from './problems-list.tsx';
import { SCHEDULE_TRIGGER_TYPE, SchedulePreview } from './schedule-preview.tsx';
import { FieldKey } from './field-key.tsx';
import { fieldLabel, fieldsOf, connectorName } from './schema-fields.ts';
import type { SchemaField } from './schema-fields.ts';
import { SlotBindingSelect } from './slot-binding.tsx';

const NO_PROBLEMS: Problem[] = [];

/** The inspector: the selected node's form, or the playbook's overview and problems when none is selected. */
export function Inspector() {
  const node = useStore((state) => {
    const found = state.nodes.find((candidate) => candidate.id === state.selectedNodeId);
    return found?.type === 'playbook' ? found.data.node : undefined;
  });
  const note = useStore((state) => state.nodes.some((candidate) => candidate.id === state.selectedNodeId && candidate.type === 'note'));
  if (node !== undefined) return <NodeInspector key={node.id} node={node} />;
  return (
    <div className="inspector">
      {note ? <p className="muted">A sticky note: edit its text on the canvas.</p> : <p className="muted">Select a node on the canvas to edit it.</p>}
      <PlaybookOverview />
    </div>
  );
}

/** Expression completion for one node, computed when a `{{` is typed, from the store as it is then. */
function completionsOf(nodeId: string): () => Suggestion[] {
  return () => {
    const state = useStore.getState();
    return completionsFor(nodeId, {
      nodes: state.nodes,
      edges: state.edges,
      run: state.run?.playbookId === state.playbook?.id ? state.run : undefined,
      actionsByType: state.actionsByType,
      vars: state.playbook?.vars,
    });
  };
}

/** Which form field a problem is about: a param key, or a node setting (retry, forEach, credential…). */
export function problemField(problem: Problem): { param?: string; setting?: string } {
  const segments = problem.path === undefined ? undefined : parsePath(problem.path);
  if (segments === undefined || segments[0] !== 'nodes') return {};
  const field = segments[2];
  if (field === 'params') return typeof segments[3] === 'string' ? { param: segments[3] } : {};
  return typeof field === 'string' ? { setting: field } : {};
}

function messagesFor(problems: readonly Problem[], match: (target: ReturnType<typeof problemField>) => boolean): string[] {
  return problems.filter((problem) => match(problemField(problem))).map((problem) => problem.message);
}

function NodeInspector({ node }: { node: PlaybookNode }) {
  const item = useStore((state) => state.actionsByType[node.type]);
  const problems = useStore((state) => state.problemsByNode[node.id]) ?? NO_PROBLEMS;
  const general = problems.filter((problem) => {
    const target = problemField(problem);
    return target.param === undefined && target.setting === undefined;
  });
  const getSuggestions = completionsOf(node.id);

  return (
    <div className="inspector" aria-label={`Inspector of ${node.name}`}>
      <header className="inspector-head">
        <h2>{node.name}</h2>
        <p className="muted">
          {item === undefined ? `${node.type} (not in the catalogue)` : `${item.connector.name} · ${item.action.title}`}
          {item?.action.effect === 'write' ? <span className="badge badge-write">writes</span> : null}
          <span className="muted"> · id </span>
          <code>{node.id}</code>
        </p>
        {item === undefined ? null : <p className="help">{item.action.description}</p>}
      </header>
      {general.length > 0 ? (
        <div className="field-error" role="alert">
          {general.map((problem, index) => (
            <p key={index}>{problem.message}</p>
          ))}
        </div>
      ) : null}
      <ParamsSection node={node} item={item} problems={problems} getSuggestions={getSuggestions} />
      {node.type === SCHEDULE_TRIGGER_TYPE ? <SchedulePreview nodeId={node.id} params={node.params} /> : null}
      <CredentialSection node={node} item={item} problems={problems} />
      <SettingsSection node={node} item={item} problems={problems} getSuggestions={getSuggestions} />
      <PinSection node={node} item={item} />
      <AllProblems />
    </div>
  );
}

interface SectionProps {
  node: PlaybookNode;
  problems: readonly Problem[];
  getSuggestions(): readonly Suggestion[];
}

function ParamsSection({ node, item, problems, getSuggestions }: SectionProps & { item: CatalogueItem | undefined }) {
  const updateNode = useStore((state) => state.updateNode);
  const fields = fieldsOf(item?.action.input);
  const known = new Set(fields.map((field) => field.key));
  const extra = Object.keys(node.params).filter((key) => !known.has(key));

  const setParam = (key: string, value: unknown) => {
    const params = { ...node.params };
    if (value === undefined) delete params[key];
    else params[key] = value;
    updateNode(node.id, { params });
  };

  return (
    <section className="inspector-section" aria-labelledby={`params-${node.id}`}>
      <h3 id={`params-${node.id}`}>Parameters</h3>
      {item === undefined ? (
        <Field id={`params-json-${node.id}`} label="params" help="The node type is unknown here, so its parameters are edited as JSON.">
          <JsonField id={`params-json-${node.id}`} value={node.params} what="The parameters" onCommit={(value) => updateNode(node.id, { params: (value ?? {}) as Record<string, unknown> })} />
        </Field>
      ) : fields.length === 0 ? (
        <p className="muted">This action takes no parameters.</p>
      ) : null}
      {item === undefined
        ? null
        : fields.map((field) => (
            <ParamField
              key={field.key}
              nodeId={node.id}
              field={field}
              value={node.params[field.key]}
              errors={messagesFor(problems, (target) => target.param === field.key)}
              getSuggestions={getSuggestions}
              onChange={(value) => setParam(field.key, value)}
            />
          ))}
      {item === undefined
        ? null
        : extra.map((key) => (
            <Field key={key} id={`param-${node.id}-${key}`} label={key} errors={[`${key} is not a parameter of ${item.action.title}; remove it.`]}>
              <button type="button" onClick={() => setParam(key, undefined)}>
                Remove {key}
              </button>
            </Field>
          ))}
    </section>
  );
}

interface ParamFieldProps {
  nodeId: string;
  field: SchemaField;
  value: unknown;
  errors: string[];
  getSuggestions(): readonly Suggestion[];
  onChange(value: unknown): void;
}

function isTemplate(value: unknown): value is string {
  return typeof value === 'string' && value.includes('{{');
}

/** One parameter: a control for its type, or an expression field when it holds a template. */
export function ParamField({ nodeId, field, value, errors, getSuggestions, onChange }: ParamFieldProps) {
  const textual = field.kind === 'string' || field.kind === 'text';
  const [expression, setExpression] = useState(!textual && isTemplate(value));
  const [seed, setSeed] = useState<{ text: string; caret: number } | undefined>();
  /** A `{{` typed into a number or JSON field turns it into an expression field, its list open. */
  const toExpression = (text: string, caret: number) => {
    setSeed({ text, caret });
    setExpression(true);
  };
  const id = `param-${nodeId}-${field.key}`;
  const described = describedBy(id, field.description !== undefined, errors);
  const placeholder = field.defaultValue === undefined ? undefined : `Default: ${JSON.stringify(field.defaultValue)}`;

  const toggle = textual ? null : (
    <button
      type="button"
      className="fx"
      aria-pressed={expression}
      aria-label={`Use an expression for ${fieldLabel(field)}`}
      title="Use an expression ({{ … }})"
      onClick={() => {
        if (expression && isTemplate(value)) onChange(undefined);
        setSeed(undefined);
        setExpression(!expression);
      }}
    >
      fx
    </button>
  );

  let control;
  if (textual || expression) {
    control = (
      <ExpressionInput
        id={id}
        value={typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value)}
        onCommit={(text) => onChange(text === '' ? undefined : text)}
        getSuggestions={getSuggestions}
        multiline={field.kind === 'text'}
        describedBy={described}
        required={field.required}
        placeholder={expression ? 'Type {{ to pick an upstream output' : (placeholder ?? 'Text, or {{ an expression }}')}
        seed={seed}
      />
    );
  } else if (field.kind === 'number') {
    control = (
      <NumberInput
        id={id}
        name={fieldLabel(field)}
        value={typeof value === 'number' ? value : undefined}
        onCommit={onChange}
        integer={field.integer}
        min={field.minimum}
        max={field.maximum}
        describedBy={described}
        required={field.required}
        placeholder={placeholder}
        onTemplateTyped={toExpression}
      />
    );
  } else if (field.kind === 'boolean') {
    control = (
      <input
        id={id}
        type="checkbox"
        checked={value === true}
        aria-describedby={described}
        onChange={(event) => onChange(event.target.checked ? true : field.defaultValue === true ? false : undefined)}
      />
    );
  } else if (field.kind === 'enum') {
    const options = field.options ?? [];
    const current = options.findIndex((option) => option === value);
    control = (
      <select
        id={id}
        value={current < 0 ? '' : String(current)}
        aria-describedby={described}
        aria-required={field.required}
        onChange={(event) => onChange(event.target.value === '' ? undefined : options[Number(event.target.value)])}
      >
        <option value="">{field.defaultValue === undefined ? 'Choose…' : `Default (${String(field.defaultValue)})`}</option>
        {options.map((option, index) => (
          <option key={String(option)} value={String(index)}>
            {String(option)}
          </option>
        ))}
      </select>
    );
  } else {
    control = (
      <JsonField id={id} value={value} what={`The value of ${fieldLabel(field)}`} onCommit={onChange} describedBy={described} required={field.required} onTemplateTyped={toExpression} />
    );
  }

  return (
    <Field
      id={id}
      label={fieldLabel(field)}
      required={field.required}
      help={field.description}
      errors={errors}
      aside={
        <>
          <FieldKey field={field} />
          {toggle}
        </>
      }
    >
      {control}
    </Field>
  );
}

const NEW_SLOT = '\u0000new';

function CredentialSection({ node, item, problems }: { node: PlaybookNode; item: CatalogueItem | undefined; problems: readonly Problem[] }) {
  const playbook = useStore((state) => state.playbook);
  const catalogue = useStore((state) => state.catalogue);
  const updateNode = useStore((state) => state.updateNode);
  const updatePlaybook = useStore((state) => state.updatePlaybook);
  const connector = credentialConnectorOf(item);
  if (connector === undefined || playbook === undefined) return null;

  const manifest = playbook.credentials;
  const slots = Object.entries(manifest).filter(([, slot]) => slot.connector === connector);
  const id = `credential-${node.id}`;
  const errors = messagesFor(problems, (target) => target.setting === 'credential');
  const vendor = connectorName(catalogue, connector);
  const current = node.credential;

  return (
    <section className="inspector-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Credential</h3>
      <Field
        id={id}
        label="Credential slot"
        required={item?.action.credentials?.required ?? true}
        help={`The playbook names the ${vendor} credential it needs; each machine binds the slot to a stored credential.`}
        errors={errors}
      >
        <select
          id={id}
          value={current ?? ''}
          aria-describedby={describedBy(id, true, errors)}
          onChange={(event) => {
            const value = event.target.value;
            if (value === NEW_SLOT) {
              const name = uniqueId(connector, new Set(Object.keys(manifest)));
              updatePlaybook({ credentials: { ...manifest, [name]: { connector } } });
              updateNode(node.id, { credential: name });
            } else {
              updateNode(node.id, { credential: value === '' ? undefined : value });
            }
          }}
        >
          <option value="">None</option>
          {current !== undefined && !slots.some(([name]) => name === current) ? <option value={current}>{current} (not a {vendor} slot)</option> : null}
          {slots.map(([name]) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
          <option value={NEW_SLOT}>New {vendor} slot…</option>
        </select>
      </Field>
      {current !== undefined && slots.some(([name]) => name === current) ? <SlotBindingSelect slot={current} connector={connector} /> : null}
    </section>
  );
}

function SettingsSection({ node, item, problems, getSuggestions }: SectionProps & { item: CatalogueItem | undefined }) {
  const updateNode = useStore((state) => state.updateNode);
  const syncBreakpoints = useStore((state) => state.syncBreakpoints);
  const errorsOf = (setting: string) => messagesFor(problems, (target) => target.setting === setting);
  const base = `setting-${node.id}`;
  const retry = node.retry;

  return (
    <section className="inspector-section" aria-labelledby={`${base}-title`}>
      <h3 id={`${base}-title`}>Run settings</h3>
      <Field id={`${base}-name`} label="Name" required errors={errorsOf('name')} help="Shown on the canvas; the id stays as it is, so references survive a rename.">
        <TextInput
          id={`${base}-name`}
          value={node.name}
          required
          maxLength={NODE_NAME_MAX}
          what="A node name"
          describedBy={describedBy(`${base}-name`, true, errorsOf('name'))}
          onCommit={(name) => name !== undefined && updateNode(node.id, { name })}
        />
      </Field>
      <Field id={`${base}-forEach`} label="forEach" errors={errorsOf('forEach')} help="A template yielding a list: the node runs once per item, with item and index.">
        <ExpressionInput
          id={`${base}-forEach`}
          value={node.forEach ?? ''}
          getSuggestions={getSuggestions}
          describedBy={describedBy(`${base}-forEach`, true, errorsOf('forEach'))}
          placeholder="{{ nodes.search.output.items }}"
          onCommit={(text) => updateNode(node.id, { forEach: text === '' ? undefined : text })}
        />
      </Field>
      <Field id={`${base}-concurrency`} label="concurrency" errors={errorsOf('concurrency')} help="Items of a forEach run at once (1–100).">
        <NumberInput id={`${base}-concurrency`} name="concurrency" integer min={1} max={100} value={node.concurrency} onCommit={(concurrency) => updateNode(node.id, { concurrency })} />
      </Field>
      <Field id={`${base}-attempts`} label="Retry: maxAttempts" errors={errorsOf('retry')} help="Attempts in all, the first included (1 = no retry).">
        <NumberInput
          id={`${base}-attempts`}
          name="maxAttempts"
          integer
          min={1}
          max={20}
          value={retry?.maxAttempts}
          onCommit={(maxAttempts) => updateNode(node.id, { retry: maxAttempts === undefined ? undefined : { ...retry, maxAttempts } })}
        />
      </Field>
      <Field id={`${base}-delay`} label="Retry: delayMs" help="Base delay of the exponential backoff, in milliseconds.">
        <NumberInput
          id={`${base}-delay`}
          name="delayMs"
          integer
          min={0}
          max={600_000}
          value={retry?.delayMs}
          onCommit={(delayMs) => {
            const next = { maxAttempts: retry?.maxAttempts ?? 3, ...retry, delayMs };
            if (delayMs === undefined) delete next.delayMs;
            updateNode(node.id, { retry: next });
          }}
        />
      </Field>
      <Field id={`${base}-timeout`} label="timeoutMs" errors={errorsOf('timeoutMs')} help="Each attempt fails with TIMEOUT after this many milliseconds.">
        <NumberInput id={`${base}-timeout`} name="timeoutMs" integer min={1} max={3_600_000} value={node.timeoutMs} onCommit={(timeoutMs) => updateNode(node.id, { timeoutMs })} />
      </Field>
      <FailurePolicy id={`${base}-failure`} node={node} item={item} />
      <Field id={`${base}-join`} label="join" errors={errorsOf('join')} help="any: runs when at least one incoming path was taken; all: only when every one was.">
        <select id={`${base}-join`} value={node.join ?? 'any'} onChange={(event) => updateNode(node.id, { join: event.target.value === 'all' ? 'all' : undefined })}>
          <option value="any">any</option>
          <option value="all">all</option>
        </select>
      </Field>
      <div className="checks">
        <label>
          <input type="checkbox" checked={node.disabled === true} onChange={(event) => updateNode(node.id, { disabled: event.target.checked ? true : undefined })} />
          Disabled (skipped in runs)
        </label>
        <label>
          <input
            type="checkbox"
            checked={node.breakpoint === true}
            onChange={(event) => {
              updateNode(node.id, { breakpoint: event.target.checked ? true : undefined });
              void syncBreakpoints();
            }}
          />
          Breakpoint (pause before it runs)
        </label>
      </div>
    </section>
  );
}

/** What a failure of this node does: its effective retry policy and, for a write, whether it is idempotent. */
function FailurePolicy({ id, node, item }: { id: string; node: PlaybookNode; item: CatalogueItem | undefined }) {
  if (item?.action.kind === 'trigger') return null;
  const write = writeSummary(item?.action);
  return (
    <div className="help failure-policy" role="note" aria-labelledby={`${id}-title`}>
      <p id={`${id}-title`}>
        <strong>What a failure does</strong>
      </p>
      <p>Retry: {retrySummary(node.retry)}. {RETRY_RULES}</p>
      {write === undefined ? null : <p>{write}</p>}
    </div>
  );
}

function PinSection({ node, item }: { node: PlaybookNode; item: CatalogueItem | undefined }) {
  const pinned = useStore((state) => state.pins[node.id]);
  const recorded = useStore((state) => (state.run?.playbookId === state.playbook?.id ? state.run?.nodes[node.id]?.output : undefined));
  const pin = useStore((state) => state.pin);
  const unpin = useStore((state) => state.unpin);
  const ports = portsOf(item?.action, node.params).filter((port) => port !== 'error');
  const id = `pin-${node.id}`;

  return (
    <section className="inspector-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Pinned output</h3>
      <p className="help">A pinned node does not run: the next runs use this output, so you can build on it without calling the tool again.</p>
      <Field id={id} label="Output to use">
        <JsonField id={id} value={pinned?.output} what="The pinned output" onCommit={(value) => (value === undefined ? unpin(node.id) : pin(node.id, value, pinned?.port))} />
      </Field>
      {pinned !== undefined && ports.length > 1 ? (
        <Field id={`${id}-port`} label="Port taken">
          <select id={`${id}-port`} value={pinned.port ?? ports[0]} onChange={(event) => pin(node.id, pinned.output, event.target.value)}>
            {ports.map((port) => (
              <option key={port} value={port}>
                {port}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      <div className="row">
        <button type="button" disabled={recorded === undefined} onClick={() => pin(node.id)}>
          Pin last output
        </button>
        <button type="button" disabled={pinned === undefined} onClick={() => unpin(node.id)}>
          Unpin
        </button>
      </div>
    </section>
  );
}

/** The playbook's problems, folded away under the node form. */
function AllProblems() {
  const count = useStore((state) => state.problems.length);
  if (count === 0) return null;
  return (
    <details className="inspector-section">
      <summary>All problems of the playbook ({count})</summary>
      <ProblemsList />
    </details>
  );
}

/** The playbook itself when no node is selected: name, description, credential slots and problems. */
function PlaybookOverview() {
  const playbook = useStore((state) => state.playbook);
  const updatePlaybook = useStore((state) => state.updatePlaybook);
  const notify = useStore((state) => state.notify);
  if (playbook === undefined) return <p className="muted">No playbook is open: pick one under Playbooks.</p>;
  const slots = Object.entries(playbook.credentials);

  return (
    <>
      <section className="inspector-section" aria-labelledby="playbook-title">
        <h2 id="playbook-title">Playbook</h2>
        <Field id="playbook-name" label="Name" required>
          <TextInput id="playbook-name" value={playbook.name} required maxLength={PLAYBOOK_NAME_MAX} what="A playbook name" onCommit={(name) => name !== undefined && updatePlaybook({ name })} />
        </Field>
        <Field id="playbook-description" label="Description">
          <TextInput id="playbook-description" value={playbook.description} onCommit={(description) => updatePlaybook({ description: description ?? '' })} />
        </Field>
        <Field id="playbook-vars" label="vars" help="Constants reachable as vars in expressions (JSON object).">
          <JsonField
            id="playbook-vars"
            value={playbook.vars}
            what="vars"
            describedBy="playbook-vars-help"
            onCommit={(vars) => {
              if (vars === undefined) updatePlaybook({ vars: {} });
              else if (vars !== null && typeof vars === 'object' && !Array.isArray(vars)) updatePlaybook({ vars: vars as Record<string, unknown> });
              else notify('error', 'vars must be a JSON object, such as {"threshold": 3}.');
            }}
          />
        </Field>
      </section>
      <section className="inspector-section" aria-labelledby="slots-title">
        <h3 id="slots-title">Credential slots</h3>
        {slots.length === 0 ? <p className="muted">This playbook needs no credentials.</p> : null}
        {slots.map(([slot, { connector }]) => (
          <SlotBindingSelect key={slot} slot={slot} connector={connector} />
        ))}
      </section>
      <section className="inspector-section" aria-labelledby="problems-title">
        <h3 id="problems-title">Problems</h3>
        <ProblemsList />
      </section>
    </>
  );
}
