import * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';
import type { ConnectorContext, RunAction } from '../sdk/define-connector.ts';
import { escapeXml, find, findAll, textOf, xmlElement } from '../sdk/xml.ts';
import type { XmlElement } from '../sdk/xml.ts';
import { panMessage, panRequest } from './api.ts';
import { commitOutput } from './outputs.ts';

/** A job as `show jobs id N` reports it. */
export interface PanJob {
  id: string;
  type: string;
  /** ACT while running, FIN when done (PEND while queued). */
  status: string;
  /** PEND, OK or FAIL. */
  result: string;
  progress: number;
  details: string[];
  warnings: string[];
}

const commitInput = z.strictObject({
  description: z.string().max(512).optional().meta({ title: 'Description' }).describe('Commit description shown in the firewall task manager.'),
  wait: z.boolean().default(true).meta({ title: 'Wait for the commit' }).describe('Poll the commit job until it finishes (status FIN).'),
  timeoutSeconds: z
    .number()
    .int()
    .min(5)
    .max(3600)
    .default(100)
    .meta({ title: 'Give up after (seconds)' })
    .describe('Give up polling after this long; raise the node timeout (120 s by default) for longer commits.'),
  pollSeconds: z.number().int().min(1).max(60).default(2).meta({ title: 'Poll every (seconds)' }).describe('Seconds between job polls.'),
});

/** Reads a `<job>` element of `show jobs`. */
export function jobOf(job: XmlElement | undefined): PanJob {
  const field = (name: string) => textOf(find(job, name));
  return {
    id: field('id'),
    type: field('type'),
    status: field('status'),
    result: field('result'),
    progress: Number(field('progress')) || 0,
    details: findAll(job, 'details/line').map(textOf),
    warnings: findAll(job, 'warnings/line').map(textOf),
  };
}

async function showJob(ctx: ConnectorContext, id: string): Promise<PanJob> {
  const cmd = xmlElement('show', xmlElement('jobs', xmlElement('id', escapeXml(id))));
  const response = await panRequest(ctx, { type: 'op', cmd });
  return jobOf(find(response.root, 'result/job'));
}

/** Polls `show jobs id N` until FIN; a FAIL result is the vendor's refusal, with its detail lines. */
async function waitForJob(ctx: ConnectorContext, id: string, timeoutSeconds: number, pollSeconds: number): Promise<PanJob> {
  const deadline = ctx.clock.now() + timeoutSeconds * 1000;
  for (;;) {
    const job = await showJob(ctx, id);
    if (job.status === 'FIN') {
      if (job.result !== 'OK') {
        const why = job.details.join(' ') || job.result;
        throw new NodeError('FAILED', `Palo Alto PAN-OS commit job ${id} ${job.result}: ${why}`, { vendor: 'panos', details: job });
      }
      return job;
    }
    if (ctx.clock.now() + pollSeconds * 1000 > deadline) {
      throw new NodeError('TIMEOUT', `Palo Alto PAN-OS commit job ${id} still ${job.status} (${job.progress}%) after ${timeoutSeconds} s`, { vendor: 'panos' });
    }
    await ctx.clock.sleep(pollSeconds * 1000, ctx.signal);
  }
}

/**
 * `type=commit&cmd=<commit>…</commit>`: the candidate config becomes the running one. The answer
 * carries a job id (or 'There are no changes to commit.'); with `wait` the job is polled to FIN.
 */
export const commit: RunAction<typeof commitInput> = {
  title: 'Commit',
  description: 'Commits the candidate configuration (making address-group blocks effective) and waits for the commit job.',
  input: commitInput,
  effect: 'write',
  output: commitOutput,
  example: {
    job: '912',
    message: 'Commit job enqueued with jobid 912',
    finished: true,
    status: 'FIN',
    result: 'OK',
    progress: 100,
    details: ['Configuration committed successfully'],
    warnings: [],
  },
  run: async (ctx, input) => {
    const cmd = xmlElement('commit', input.description === undefined ? '' : xmlElement('description', escapeXml(input.description)));
    const response = await panRequest(ctx, { type: 'commit', cmd }, 'POST');
    const job = textOf(find(response.root, 'result/job'));
    const message = panMessage(response.root) ?? '';
    if (job === '') return { job: null, message, finished: true, status: 'FIN', result: 'OK', progress: 100, details: [message], warnings: [] };
    if (!input.wait) return { job, message, finished: false, status: 'ACT', result: 'PEND', progress: 0, details: [], warnings: [] };
    const done = await waitForJob(ctx, job, input.timeoutSeconds, input.pollSeconds);
    return { job, message, finished: true, status: done.status, result: done.result, progress: done.progress, details: done.details, warnings: done.warnings };
  },
};
