import * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';
import type { RunAction } from '../sdk/define-connector.ts';
import { unexpectedResponse } from '../sdk/http-errors.ts';
import type { MispAttribute } from './search-attributes.ts';
import { addAttributeOutput } from './outputs.ts';

export const addAttributeInput = z.strictObject({
  eventId: z
    .union([z.int().positive(), z.string().regex(/^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, 'must be an event id or UUID')])
    .meta({ title: 'Event ID' })
    .describe('The event to add to: its numeric id or UUID.'),
  type: z.string().min(1).meta({ title: 'Type' }).describe('MISP attribute type, e.g. ip-src, ip-dst, domain, url, md5, sha256, filename, email-src.'),
  value: z.string().min(1).meta({ title: 'Value' }).describe('The indicator, e.g. 185.220.101.45.'),
  category: z.string().min(1).optional().meta({ title: 'Category' }).describe("Category, e.g. Network activity or Payload delivery; MISP picks the type's default when absent."),
  to_ids: z.boolean().optional().meta({ title: 'IDS flag' }).describe("Flag for IDS export (blocklists, detection rules); the type's default when absent."),
  distribution: z
    .enum(['0', '1', '2', '3', '4', '5'])
    .optional()
    .meta({ title: 'Distribution' })
    .describe('0 your organisation, 1 this community, 2 connected communities, 3 all, 4 a sharing group, 5 inherit the event (MISP default).'),
  sharing_group_id: z.string().regex(/^\d+$/).optional().meta({ title: 'Sharing group ID' }).describe('Sharing group id, with distribution 4.'),
  comment: z.string().optional().meta({ title: 'Comment' }).describe('Context for other analysts, e.g. the playbook run that saw it.'),
});

/**
 * MISP refuses an invalid or duplicate attribute with 403 and `errors` per field (RestResponseComponent
 * saveFailResponse); that is our input being refused, not a bad credential, so it becomes BAD_REQUEST.
 */
export function refusedSave(error: unknown): NodeError | undefined {
  if (!(error instanceof NodeError) || error.status !== 403) return undefined;
  const body = (error.details as { body?: { errors?: unknown } } | undefined)?.body;
  if (body === undefined || body.errors === undefined || body.errors === null) return undefined;
  return new NodeError('BAD_REQUEST', error.message, { status: 403, vendor: error.vendor, details: error.details });
}

const EXAMPLE: { Attribute: MispAttribute; AttributeTag: unknown[] } = {
  Attribute: {
    id: '21',
    event_id: '2',
    object_id: '0',
    object_relation: null,
    category: 'Network activity',
    type: 'ip-src',
    to_ids: true,
    uuid: '9b2e7c41-6d5a-4f3e-8c1b-0a9f8e7d6c5b',
    timestamp: '1795767300',
    distribution: '5',
    sharing_group_id: '0',
    comment: 'Seen by Switchboard: suspicious SSO login',
    deleted: false,
    disable_correlation: false,
    first_seen: null,
    last_seen: null,
    value: '185.220.101.45',
  },
  AttributeTag: [],
};

/** POST /attributes/add/{eventId}: records an indicator on an event (MISP unpublishes the event). */
export const addAttributeAction: RunAction<typeof addAttributeInput> = {
  title: 'Add attribute to event',
  description: 'Adds an indicator (IP, domain, URL, hash…) to a MISP event so partners and detections pick it up. The event becomes unpublished until someone publishes it.',
  input: addAttributeInput,
  effect: 'write',
  output: addAttributeOutput,
  example: EXAMPLE,
  run: async (ctx, input) => {
    const { eventId, ...attribute } = input;
    try {
      const response = await ctx.http.post<unknown>(`/attributes/add/${encodeURIComponent(String(eventId))}`, attribute);
      const created = response.data as { Attribute?: { id?: unknown } } | undefined;
      if (typeof created?.Attribute?.id !== 'string') {
        throw unexpectedResponse('MISP', 'misp', 'no Attribute.id', response.status);
      }
      return created;
    } catch (error) {
      throw refusedSave(error) ?? error;
    }
  },
};
