import { describe, expect, it } from 'vitest';
import { REPORT_MAX_CHARS, reportNode } from '../../../nodes/core/report.ts';
import { fakeContext } from '../../support/fake-context.ts';

describe('core.report', () => {
  it('outputs its resolved title and Markdown, synchronously, as a read', () => {
    const params = { title: 'Investigation of WS-ALICE-01', markdown: '# WS-ALICE-01\n\n- alice' };
    expect(reportNode.run(fakeContext().ctx, params)).toEqual(params);
    expect([reportNode.type, reportNode.category, reportNode.effect, reportNode.timing]).toEqual(['core.report@1', 'core', 'read', 'instant']);
    expect(reportNode.ports({})).toEqual(['out', 'error']);
    expect(reportNode.input.safeParse(reportNode.example).success).toBe(true);
  });

  it('bounds the Markdown at 256 KiB with a one-line message naming the field, and wants a title', () => {
    expect(reportNode.input.safeParse({ title: 't', markdown: 'x'.repeat(REPORT_MAX_CHARS) }).success).toBe(true);
    const tooLong = reportNode.input.safeParse({ title: 't', markdown: 'x'.repeat(REPORT_MAX_CHARS + 1) });
    expect(tooLong.success).toBe(false);
    expect(tooLong.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual(['markdown: must be at most 256 KiB (262144 characters) once resolved']);
    expect(reportNode.input.safeParse({ title: '', markdown: '' }).success).toBe(false);
    expect(reportNode.input.safeParse({ title: 't', markdown: '', extra: 1 }).success).toBe(false);
  });
});
