import * as z from 'zod';

/**
 * What the MISP actions output, for validation of `nodes.<id>.output.…` references. Attributes
 * are MISP's own objects (fields vary by version and type): open.
 */

const attribute = z.record(z.string(), z.unknown()).describe('A MISP attribute as MISP sends it (id, event_id, type, category, value, to_ids, Tag…).');

/** Search attributes (search-attributes.ts `summarise`). */
export const searchAttributesOutput = z.object({
  Attribute: z.array(attribute),
  count: z.number().describe('Attributes returned.'),
  total: z.number().nullable().describe('Attributes that matched, when MISP says (x-result-count).'),
  found: z.boolean().describe('MISP knows the indicator.'),
  event_ids: z.array(z.string()).describe('Events the attributes belong to.'),
});

/** Add attribute: MISP's answer as it is (the created Attribute). */
export const addAttributeOutput = z.looseObject({
  Attribute: attribute,
  AttributeTag: z.array(z.unknown()).optional(),
});
