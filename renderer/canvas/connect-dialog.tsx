import { useEffect, useId, useMemo, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { Modal } from '../panels/dialogs.tsx';
import { useStore } from '../store/index.ts';
import { connectableTargets, outputPortsOf } from './connection-rules.ts';
import './connect-dialog.css';
import type { ConnectionGraph } from './connection-rules.ts';

/** The key that opens Connect… on the selected node (listed in the canvas help). */
export const CONNECT_KEY = 'c';

/** One line of the Connect… list: an output port of the source and a node it may go to. */
export interface ConnectChoice {
  port: string;
  targetId: string;
  targetName: string;
}

/** Every allowed (port, target) pair of a node, ports in drawing order, targets in canvas order. */
export function connectChoices(graph: ConnectionGraph, sourceId: string): ConnectChoice[] {
  return outputPortsOf(graph, sourceId).flatMap((port) =>
    connectableTargets(graph, sourceId, port).map((target) => ({ port, targetId: target.id, targetName: target.name })),
  );
}

/**
 * Connecting from the keyboard: a "Connect…" button for the selected node, also opened with C
 * while the canvas has focus. The dialog lists the nodes each output port may go to (refused
 * ones left out); arrows pick one and Enter connects it through the graph slice, so undo works.
 * The dialog is drawn outside the canvas, so the canvas's keys (Delete…) do not reach through it.
 */
export function ConnectCommand() {
  const selected = useStore((s) => (s.nodes.some((node) => node.id === s.selectedNodeId && node.type === 'playbook') ? s.selectedNodeId : undefined));
  const [sourceId, setSourceId] = useState<string | undefined>();

  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (event.key.toLowerCase() !== CONNECT_KEY || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target instanceof HTMLElement ? event.target : undefined;
      if (target?.closest('.sb-canvas') == null || target.closest('input, textarea, select, [contenteditable="true"]') !== null) return;
      const id = useStore.getState().selectedNodeId;
      if (id === undefined) return;
      event.preventDefault();
      setSourceId(id);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  return (
    <>
      <button type="button" onClick={() => setSourceId(selected)} disabled={selected === undefined} title="Connect the selected node to another (C)">
        Connect…
      </button>
      {sourceId === undefined
        ? null
        : createPortal(
            <div className="sb-connect-dialog">
              <ConnectDialog sourceId={sourceId} onClose={() => setSourceId(undefined)} />
            </div>,
            document.body,
          )}
    </>
  );
}

/** The list of allowed connections from one node, as a listbox grouped by output port. */
function ConnectDialog({ sourceId, onClose }: { sourceId: string; onClose(): void }) {
  const listId = useId();
  const nodes = useStore((s) => s.nodes);
  const edges = useStore((s) => s.edges);
  const actionsByType = useStore((s) => s.actionsByType);
  const choices = useMemo(() => connectChoices({ nodes, edges, actionsByType }, sourceId), [nodes, edges, actionsByType, sourceId]);
  const ports = useMemo(() => [...new Set(choices.map((choice) => choice.port))], [choices]);
  const [picked, setPicked] = useState(0);
  const source = nodes.find((node) => node.id === sourceId);
  const sourceName = source?.type === 'playbook' ? source.data.node.name : sourceId;

  const connect = () => {
    const choice = choices[picked];
    if (choice === undefined) return;
    const store = useStore.getState();
    if (store.connect({ source: sourceId, sourceHandle: choice.port, target: choice.targetId, targetHandle: null })) {
      store.notify('info', `Connected ${sourceName} (${choice.port}) → ${choice.targetName}.`);
    }
    onClose();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    connect();
  };

  return (
    <Modal
      title={`Connect ${sourceName}`}
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" onClick={connect} disabled={choices.length === 0}>
            Connect
          </button>
        </>
      }
    >
      {choices.length === 0 ? (
        <p>No node can take a connection from {sourceName}: every other node is a trigger, already connected, or would make a loop.</p>
      ) : (
        <>
          <label htmlFor={listId}>To (arrows pick, Enter connects)</label>
          <select
            id={listId}
            className="sb-connect-list"
            size={Math.min(10, choices.length + ports.length)}
            value={String(picked)}
            onChange={(event) => setPicked(Number(event.target.value))}
            onKeyDown={onKeyDown}
            onDoubleClick={connect}
          >
            {ports.map((port) => (
              <optgroup key={port} label={`From ${port}`}>
                {choices.map((choice, index) =>
                  choice.port === port ? (
                    <option key={`${port} ${choice.targetId}`} value={String(index)}>
                      {choice.targetName}
                    </option>
                  ) : null,
                )}
              </optgroup>
            ))}
          </select>
        </>
      )}
    </Modal>
  );
}
