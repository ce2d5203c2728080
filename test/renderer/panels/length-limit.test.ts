import { describe, expect, it } from 'vitest';
import { NodeSchema } from '../../../engine/format/playbook.ts';
import { NODE_NAME_MAX, lengthNotice } from '../../../renderer/panels/length-limit.ts';

describe('length limit of names while typing', () => {
  it('takes the node name limit from the playbook schema', () => {
    expect(NodeSchema.shape.name.safeParse('x'.repeat(NODE_NAME_MAX)).success).toBe(true);
    expect(NodeSchema.shape.name.safeParse('x'.repeat(NODE_NAME_MAX + 1)).success).toBe(false);
  });

  it('says nothing while the text is short', () => {
    expect(lengthNotice(0, 200, 'A name')).toBeUndefined();
    expect(lengthNotice(159, 200, 'A name')).toBeUndefined();
  });

  it('counts near the limit', () => {
    expect(lengthNotice(160, 200, 'A name')).toBe('160 / 200 characters');
    expect(lengthNotice(199, 200, 'A name')).toBe('199 / 200 characters');
  });

  it('says the limit once it is reached', () => {
    expect(lengthNotice(200, 200, 'A name')).toBe('A name can be at most 200 characters: 200 / 200.');
  });
});
