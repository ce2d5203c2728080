import { portsOf } from '../store/catalogue-slice.ts';
import type { CanvasNode, CatalogueItem } from '../store/types.ts';

/**
 * The size a canvas box takes before the browser has measured it, from the canvas CSS
 * (styles.css `.sb-node`: 220 px wide; 14 px names on 1.4 lines, 12 px action titles, one 18 px
 * row per port; `.sb-note`: its layout size, else 160 × 90). Auto-layout uses it for boxes not yet
 * rendered (and in tests, where nothing is), so it errs on the tall side: a gap too wide reads fine,
 * an overlap does not.
 */
export interface BoxSize {
  width: number;
  height: number;
}

const NODE_WIDTH = 220;
/**
 * Everything but the name, action and port rows: paddings, the vendor line, margins and borders.
 * Chromium draws a node with a one-line name, a one-line action and two ports 121 px tall; this
 * makes it 123.
 */
const NODE_CHROME = 50;
const NAME_LINE = 19.6;
const ACTION_LINE = 16.8;
const PORT_ROW = 18;
/** Characters per line inside the node, a little under what the width holds, so wraps are not missed. */
const NAME_CHARS = 24;
const ACTION_CHARS = 30;
/** A note with no size of its own is drawn at the CSS minimum. */
export const NOTE_MIN_SIZE: BoxSize = { width: 160, height: 90 };

/** How many lines `text` takes when words wrap at `chars` characters (long words break, as `word-break: break-word`). */
export function wrappedLines(text: string, chars: number): number {
  let lines = 1;
  let used = 0;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const needed = used === 0 ? word.length : used + 1 + word.length;
    if (needed <= chars) used = needed;
    else {
      lines += Math.max(1, Math.ceil(word.length / chars)) - (used === 0 ? 1 : 0);
      used = word.length % chars || chars;
    }
  }
  return lines;
}

/** The box a canvas node or note takes: as measured when it has been rendered, else as estimated from the CSS. */
export function boxSize(node: CanvasNode, actionsByType: Record<string, CatalogueItem>): BoxSize {
  if (node.type === 'note') {
    return {
      width: node.width ?? node.measured?.width ?? NOTE_MIN_SIZE.width,
      height: node.height ?? node.measured?.height ?? NOTE_MIN_SIZE.height,
    };
  }
  if (node.measured?.width !== undefined && node.measured.height !== undefined) return { width: node.measured.width, height: node.measured.height };
  const action = actionsByType[node.data.node.type]?.action;
  const title = action?.title ?? `Unknown node type ${node.data.node.type}`;
  const ports = portsOf(action, node.data.node.params).length;
  const height = NODE_CHROME + NAME_LINE * wrappedLines(node.data.node.name, NAME_CHARS) + ACTION_LINE * wrappedLines(title, ACTION_CHARS) + PORT_ROW * ports;
  return { width: NODE_WIDTH, height: Math.ceil(height) };
}
