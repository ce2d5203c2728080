/**
 * Where the caret of a text field sits, so the completion list opens under the `{{` being typed
 * rather than under the whole field. Measured with an invisible copy of the field (the usual
 * mirror technique), since inputs and textareas do not report their caret's pixel position.
 */

/** Styles that decide where text wraps and how wide each character is. */
const MIRRORED = [
  'boxSizing', 'width', 'borderTopWidth', 'borderRightWidth', 'borderBottomWidth', 'borderLeftWidth',
  'paddingTop', 'paddingRight', 'paddingBottom', 'paddingLeft', 'fontStyle', 'fontVariant', 'fontWeight',
  'fontStretch', 'fontSize', 'lineHeight', 'fontFamily', 'letterSpacing', 'wordSpacing', 'textIndent',
  'textTransform', 'tabSize',
] as const;

/** The caret's position inside the field's box, in pixels, scroll taken off, and its line's height. */
export interface CaretBox {
  top: number;
  left: number;
  height: number;
}

/** Measures where character `index` of `text`, shown in `field`, starts, relative to the field's top-left corner. */
export function caretBox(field: HTMLInputElement | HTMLTextAreaElement, text: string, index: number): CaretBox {
  const style = getComputedStyle(field);
  const mirror = document.createElement('div');
  for (const property of MIRRORED) mirror.style[property] = style[property];
  mirror.style.position = 'absolute';
  mirror.style.visibility = 'hidden';
  mirror.style.top = '0';
  mirror.style.left = '-9999px';
  mirror.style.overflow = 'hidden';
  mirror.style.whiteSpace = field instanceof HTMLTextAreaElement ? 'pre-wrap' : 'pre';
  mirror.style.overflowWrap = field instanceof HTMLTextAreaElement ? 'break-word' : 'normal';
  mirror.textContent = text.slice(0, index);
  const marker = document.createElement('span');
  marker.textContent = text.slice(index) || '.';
  mirror.append(marker);
  document.body.append(mirror);
  const fontSize = Number.parseFloat(style.fontSize) || 13;
  const height = Number.parseFloat(style.lineHeight) || fontSize * 1.25;
  const borderTop = Number.parseFloat(style.borderTopWidth) || 0;
  const borderLeft = Number.parseFloat(style.borderLeftWidth) || 0;
  const box = { top: marker.offsetTop + borderTop - field.scrollTop, left: marker.offsetLeft + borderLeft - field.scrollLeft, height };
  mirror.remove();
  return box;
}

/** The completion list's offset from the field's top-left: under the caret's line, shifted to the caret but kept at least `minWidth` wide. */
export function listPlacement(caret: CaretBox, field: { width: number; height: number }, multiline: boolean, minWidth = 220): { top: number; left: number } {
  const top = multiline ? Math.min(Math.max(caret.top + caret.height, 0), field.height) : field.height;
  const left = Math.max(0, Math.min(caret.left, field.width - minWidth));
  return { top: Math.round(top) + 2, left: Math.round(left) };
}
