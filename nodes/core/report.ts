import * as z from 'zod';
import { ACTION_PORTS } from '../../engine/node-type.ts';
import type { NodeTypeSpec } from '../../engine/node-type.ts';

/** The largest report kept (characters of resolved Markdown): a page for people, not a log dump. */
export const REPORT_MAX_CHARS = 256 * 1024;

const input = z.strictObject({
  title: z.string().min(1).max(200).meta({ title: 'Title' }).describe('The report title, e.g. Investigation of {{ trigger.dest }}.'),
  markdown: z
    .string()
    .max(REPORT_MAX_CHARS, `must be at most 256 KiB (${REPORT_MAX_CHARS} characters) once resolved`)
    .meta({ title: 'Report (Markdown)' })
    .describe('The report in Markdown, with {{ }} templates: headings, lists, tables, links (http/https only).'),
});

export type ReportOutput = z.output<typeof input>;

/**
 * Renders a report for people: the executor has already resolved the templates, so this hands on
 * the title and the Markdown; the run panel shows it rendered (sanitised) and saves it as .md or .html.
 */
export const reportNode: NodeTypeSpec<ReportOutput, ReportOutput> = {
  type: 'core.report@1',
  connector: 'core',
  action: 'report',
  title: 'Report',
  description: 'A Markdown report built from the run (templates resolved), shown rendered in the run panel and saved as .md or .html.',
  category: 'core',
  kind: 'action',
  effect: 'read',
  input,
  output: z.object({ title: z.string(), markdown: z.string().describe('The report, templates resolved.') }),
  example: {
    title: 'Investigation of WS-ALICE-01',
    markdown: '# Investigation of WS-ALICE-01\n\n**Verdict: malicious**\n\n| Indicator | Verdict |\n|---|---|\n| `203.0.113.7` | malicious |\n\n[TheHive case](https://thehive.example/cases/~123456/details)',
  },
  ports: () => [...ACTION_PORTS],
  timing: 'instant',
  idempotent: true,
  run: (_ctx, params) => ({ title: params.title, markdown: params.markdown }),
};
