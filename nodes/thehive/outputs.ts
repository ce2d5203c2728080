import * as z from 'zod';

/**
 * What the TheHive actions output, for validation of `nodes.<id>.output.…` references. Alerts,
 * cases and observables are TheHive's own objects as its API v1 returns them: open.
 */

const observable = z.record(z.string(), z.unknown()).describe('A TheHive observable (_id, dataType, data, tlp, ioc…).');

/** Create alert: the alert TheHive created (_id, title, severity, status, sourceRef…). */
export const createAlertOutput = z.looseObject({
  _id: z.string(),
  title: z.string(),
});

/** Create case: the case TheHive created (_id, number, title, severity, status…). */
export const createCaseOutput = z.looseObject({
  _id: z.string(),
  number: z.number(),
  title: z.string(),
});

/** Add observable to case: what TheHive created, one per value. */
export const addObservableOutput = z.object({
  caseId: z.string(),
  count: z.number(),
  observables: z.array(observable),
});

/** Get case: the case, with its observables when asked. */
export const getCaseOutput = z.looseObject({
  _id: z.string(),
  number: z.number(),
  title: z.string(),
  observableCount: z.number().optional().describe('Only with observables.'),
  observables: z.array(observable).optional().describe('Only with observables.'),
});
