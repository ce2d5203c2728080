import { renderMarkdown, reportHtmlDocument } from '../../engine/format/markdown.ts';
import { useStore } from '../store/index.ts';
import { downloadText } from '../download.ts';

/** The report node type whose output the run panel shows rendered. */
export const REPORT_TYPE = 'core.report@1';

/** A `core.report@1` output: its resolved title and Markdown. */
export interface ReportOutput {
  title: string;
  markdown: string;
}

/** Whether an output has the shape a report node produces (a pinned or hand-given output may not). */
export function isReportOutput(output: unknown): output is ReportOutput {
  if (output === null || typeof output !== 'object') return false;
  const { title, markdown } = output as Record<string, unknown>;
  return typeof title === 'string' && typeof markdown === 'string';
}

/** A file name from the report title: lower-case words joined by dashes, `report` when none is left. */
export function reportFileName(title: string, extension: 'md' | 'html'): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '');
  return `${slug === '' ? 'report' : slug}.${extension}`;
}

/**
 * A report rendered in the run panel, with Save .md and Save .html (a standalone document under a
 * strict CSP). Saving is a download: the browser's, or on the desktop Electron's own save dialog.
 */
export function ReportView({ report }: { report: ReportOutput }) {
  const notify = useStore((state) => state.notify);
  /**
   * The only raw HTML the app inserts: `renderMarkdown` escapes every character of the report,
   * passes no HTML through and emits only its own tags, with http(s) links alone (tested against
   * hostile input in test/engine/format/markdown.test.ts), so the vendor data inside cannot script the page.
   */
  const html = { __html: renderMarkdown(report.markdown) };
  const save = (extension: 'md' | 'html'): void => {
    const fileName = reportFileName(report.title, extension);
    if (extension === 'md') downloadText(fileName, report.markdown, 'text/markdown;charset=utf-8');
    else downloadText(fileName, reportHtmlDocument(report.title, report.markdown), 'text/html;charset=utf-8');
    notify('info', `Saved ${fileName}.`);
  };
  return (
    <section className="report" aria-label={`Report: ${report.title}`}>
      <div className="row">
        <button type="button" onClick={() => save('md')}>
          Save .md
        </button>
        <button type="button" onClick={() => save('html')}>
          Save .html
        </button>
      </div>
      <article className="report-body" data-testid="report-body" dangerouslySetInnerHTML={html} />
    </section>
  );
}
