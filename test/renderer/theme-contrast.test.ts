import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * WCAG AA for both themes, measured from renderer/styles.css itself: the colour pairs the CSS
 * draws text with need 4.5:1, edges and the focus ring (non-text) 3:1.
 */

const RENDERER = fileURLToPath(new URL('../../renderer/', import.meta.url));
const STYLES = fs.readFileSync(path.join(RENDERER, 'styles.css'), 'utf8');

/** The `--sb-*` custom properties declared in the first rule whose selector starts with `selector`. */
function themeVariables(selector: string): Record<string, string> {
  const start = STYLES.indexOf(selector);
  if (start < 0) throw new Error(`styles.css has no rule ${selector}`);
  const body = STYLES.slice(STYLES.indexOf('{', start) + 1, STYLES.indexOf('}', start));
  return Object.fromEntries([...body.matchAll(/--sb-([\w-]+):\s*([^;]+);/g)].map((match) => [match[1] as string, (match[2] as string).trim()]));
}

/** Relative luminance of a #rrggbb colour (WCAG 2.x). */
function luminance(hex: string): number {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (match === null) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = match.slice(1).map((part) => {
    const channel = parseInt(part, 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(first: string, second: string): number {
  const [light, dark] = [luminance(first), luminance(second)].sort((a, b) => b - a) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

const BACKGROUNDS = ['bg', 'surface', 'surface-2', 'canvas'];
/** Colours used for text on the page's backgrounds (panels, top bar, timeline, badges' labels). */
const TEXT_COLOURS = ['text', 'muted', 'accent', 'danger', 'warning', 'success', 'lab', 'status-running', 'status-paused', 'status-succeeded', 'status-failed', 'status-skipped', 'status-simulated'];
/** Strong fills with text on them: [text colour, fill]. */
const FILLED: Array<[string, string]> = [
  ['accent-text', 'accent'],
  ['note-text', 'note'],
  ...['status-running', 'status-paused', 'status-succeeded', 'status-failed', 'status-skipped', 'status-simulated', 'muted', 'lab', 'danger'].map((fill): [string, string] => ['surface', fill]),
  ...['warning', 'danger', 'status-simulated'].map((fill): [string, string] => ['on-strong', fill]),
];

interface Pair {
  foreground: string;
  background: string;
  minimum: number;
}

function pairsOf(variables: Record<string, string>): Pair[] {
  const kinds = Object.keys(variables).filter((name) => name.startsWith('kind-'));
  return [
    ...BACKGROUNDS.flatMap((background) => TEXT_COLOURS.map((foreground) => ({ foreground, background, minimum: 4.5 }))),
    ...FILLED.map(([foreground, background]) => ({ foreground, background, minimum: 4.5 })),
    ...kinds.map((kind) => ({ foreground: 'on-strong', background: kind, minimum: 4.5 })),
    ...['bg', 'surface', 'canvas'].map((background) => ({ foreground: 'focus', background, minimum: 3 })),
    { foreground: 'edge', background: 'canvas', minimum: 3 },
  ];
}

/** "warning on surface: 4.24:1 (#b26a00 on #ffffff)" for each pair under its minimum. */
function failures(variables: Record<string, string>): string[] {
  return pairsOf(variables).flatMap(({ foreground, background, minimum }) => {
    const [fore, back] = [variables[foreground], variables[background]];
    if (fore === undefined || back === undefined) return [`${foreground} on ${background}: a variable is missing`];
    const ratio = contrast(fore, back);
    return ratio >= minimum ? [] : [`${foreground} on ${background}: ${ratio.toFixed(2)}:1 < ${minimum}:1 (${fore} on ${back})`];
  });
}

const themes = { light: themeVariables(":root,\n[data-theme='light']"), dark: themeVariables("[data-theme='dark']") };

describe('theme contrast (WCAG AA)', () => {
  it('computes ratios as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#b26a00', '#ffffff')).toBeCloseTo(4.24, 2);
  });

  it.each(Object.entries(themes))('%s: text pairs reach 4.5:1, edges and the focus ring 3:1', (_name, variables) => {
    expect(Object.keys(variables).length).toBeGreaterThan(30);
    expect(failures(variables)).toEqual([]);
  });

  it('shows "Unsaved changes" (warning on the top bar) at 4.5:1 or more in both themes', () => {
    for (const variables of Object.values(themes)) expect(contrast(variables.warning as string, variables.surface as string)).toBeGreaterThanOrEqual(4.5);
  });

  it('sets text colours in the renderer CSS through the measured variables, never as literals', () => {
    const files = fs.readdirSync(RENDERER, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.css'));
    const literal = files.flatMap((file) =>
      fs
        .readFileSync(path.join(RENDERER, file), 'utf8')
        .split('\n')
        .flatMap((line, index) => (/(^|[\s;{])color:\s*(#|rgb|hsl)/.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(literal).toEqual([]);
  });
});
