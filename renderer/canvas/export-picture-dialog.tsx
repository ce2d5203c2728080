import { useReactFlow } from '@xyflow/react';
import type { ReactFlowInstance } from '@xyflow/react';
import { toPng, toSvg } from 'html-to-image';
import { useState } from 'react';
import { Modal } from '../panels/dialogs.tsx';
import { sentence } from '../panels/format.ts';
import { useStore } from '../store/index.ts';
import type { CanvasEdge, CanvasNode } from '../store/types.ts';
import { pictureContents, pictureFileName, picturePlan, pictureRefusal, pngPixelRatio } from './export-picture.ts';
import type { PictureFormat, PictureScope } from './export-picture.ts';
import { downloadUrl } from '../download.ts';

type Flow = ReactFlowInstance<CanvasNode, CanvasEdge>;

/** Two animation frames: React Flow has re-rendered the nodes a viewport change shows or hides. */
function settled(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}


/**
 * Draws the canvas's nodes and edges as an SVG or PNG data URL, React Flow's documented way
 * (html-to-image over `.react-flow__viewport` with its own transform): the minimap, controls,
 * background and panels are outside that element, so they never show. Node statuses of the shown
 * run are classes of the nodes, so they come along. The canvas shows no secret, so neither can the picture.
 */
async function drawPicture(flow: Flow, format: PictureFormat, scope: PictureScope): Promise<string> {
  const nodes = flow.getNodes();
  const contents = pictureContents(nodes, flow.getEdges(), scope);
  const refusal = pictureRefusal(contents?.nodeIds.size ?? 0, scope);
  if (contents === undefined || refusal !== undefined) throw new Error(refusal);
  const root = document.querySelector<HTMLElement>('[data-testid="canvas"] .react-flow');
  const viewport = root?.querySelector<HTMLElement>('.react-flow__viewport');
  if (root === null || root === undefined || viewport === null || viewport === undefined) throw new Error('the canvas is not shown');
  const kept = nodes.filter((node) => contents.nodeIds.has(node.id));
  const bounds = flow.getNodesBounds(kept);
  const before = flow.getViewport();
  // Nodes render in full at 100 %; a big playbook renders only what is in view, so fit it if some are missing.
  await flow.setViewport({ x: -bounds.x, y: -bounds.y, zoom: 1 });
  await settled();
  const drawn = (id: string) => viewport.querySelector(`.react-flow__node[data-id="${CSS.escape(id)}"]`) !== null;
  if (!kept.every((node) => drawn(node.id))) {
    await flow.fitView({ nodes: kept.map((node) => ({ id: node.id })), duration: 0 });
    await settled();
  }
  try {
    const plan = picturePlan(bounds);
    const style = getComputedStyle(root);
    const options = {
      backgroundColor: style.getPropertyValue('--sb-canvas').trim() || style.backgroundColor,
      width: plan.width,
      height: plan.height,
      style: { width: `${plan.width}px`, height: `${plan.height}px`, transform: plan.transform },
      filter: (element: HTMLElement) => keeps(element, contents),
      // The app uses system fonts only: scanning every stylesheet for web fonts would be wasted time.
      skipFonts: true,
    };
    return format === 'svg' ? await toSvg(viewport, options) : await toPng(viewport, { ...options, pixelRatio: pngPixelRatio(plan.width, plan.height) });
  } finally {
    await flow.setViewport(before);
  }
}

/** Whether a canvas element belongs in the picture: nodes and edges outside the contents are left out. */
function keeps(element: HTMLElement, contents: { nodeIds: Set<string>; edgeIds: Set<string> }): boolean {
  const classes = element.classList as DOMTokenList | undefined;
  if (classes === undefined) return true;
  const id = element.getAttribute('data-id') ?? '';
  if (classes.contains('react-flow__node')) return contents.nodeIds.has(id);
  if (classes.contains('react-flow__edge')) return contents.edgeIds.has(id);
  return true;
}

/** "Picture…" in the canvas tools: SVG or PNG of the whole playbook or the selection, with the shown run's statuses. */
export function ExportPictureButton() {
  const [open, setOpen] = useState(false);
  const hasPlaybook = useStore((state) => state.playbook !== undefined);
  return (
    <>
      <button type="button" disabled={!hasPlaybook} onClick={() => setOpen(true)} title="Save the canvas as an SVG or PNG picture, for a ticket or a wiki">
        Picture…
      </button>
      {open ? <ExportPictureDialog onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function ExportPictureDialog({ onClose }: { onClose: () => void }) {
  const flow = useReactFlow<CanvasNode, CanvasEdge>();
  const notify = useStore((state) => state.notify);
  const selected = useStore((state) => state.nodes.filter((node) => node.selected === true).length);
  const runShown = useStore((state) => state.run !== undefined);
  const [format, setFormat] = useState<PictureFormat>('png');
  const [scope, setScope] = useState<PictureScope>(selected > 0 ? 'selection' : 'graph');
  const [busy, setBusy] = useState(false);

  async function save(): Promise<void> {
    const state = useStore.getState();
    setBusy(true);
    try {
      const fileName = pictureFileName(state.playbook?.name ?? 'playbook', scope, format, state.run?.runId);
      downloadUrl(fileName, await drawPicture(flow, format, scope));
      notify('info', `Saved ${fileName}.`);
      onClose();
    } catch (error) {
      notify('error', `The picture could not be drawn: ${sentence(error)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      title="Export picture"
      onClose={onClose}
      actions={
        <>
          <button type="button" className="primary" disabled={busy} onClick={() => void save()}>
            {busy ? 'Drawing…' : 'Save picture'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </>
      }
    >
      <fieldset className="choice">
        <legend>Format</legend>
        <label>
          <input type="radio" name="picture-format" checked={format === 'png'} onChange={() => setFormat('png')} />
          PNG (pastes anywhere)
        </label>
        <label>
          <input type="radio" name="picture-format" checked={format === 'svg'} onChange={() => setFormat('svg')} />
          SVG (sharp at any size)
        </label>
      </fieldset>
      <fieldset className="choice">
        <legend>What</legend>
        <label>
          <input type="radio" name="picture-scope" checked={scope === 'graph'} onChange={() => setScope('graph')} />
          The whole playbook
        </label>
        <label>
          <input type="radio" name="picture-scope" checked={scope === 'selection'} disabled={selected === 0} onChange={() => setScope('selection')} />
          {selected === 0 ? 'The selection (select nodes first)' : `The selection (${selected} ${selected === 1 ? 'node' : 'nodes'})`}
        </label>
      </fieldset>
      <p className="help">{runShown ? 'Node statuses of the run shown are in the picture.' : 'Open a run first to show its node statuses in the picture.'}</p>
    </Modal>
  );
}
