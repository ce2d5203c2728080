import type { Problem } from '../../../engine/validate/problems.ts';

/** The fake registry's manual trigger, as a playbook node. */
export const start = { id: 'start', type: 'core.manual@1' };

/** An `acme.fetch@1` node; its url defaults to a static one. */
export const fetch = (id: string, params: Record<string, unknown> = { url: 'https://example.test' }) => ({ id, type: 'acme.fetch@1', params });

/** The problems with this code, in order. */
export const only = (problems: Problem[], code: string) => problems.filter((problem) => problem.code === code);

/** The codes of the problems, in order. */
export const codes = (problems: Problem[]) => problems.map((problem) => problem.code);
