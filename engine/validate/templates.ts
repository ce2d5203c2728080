import { mayHoldTemplate } from '../expressions/scan.ts';
import type { PlaybookNode } from '../format/playbook.ts';
import type { PathSegment } from './problems.ts';

/** A string holding `{{`, and where it sits in its node (`params.url`, `forEach`). */
export interface Template {
  path: PathSegment[];
  text: string;
  /** Known once parsed: false for text whose `{{` is only escaped (`\{{`). */
  dynamic: boolean;
}

/** A node's templates: every string of its params (at any depth) and its `forEach`. */
export function templatesOf(node: PlaybookNode): Template[] {
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
