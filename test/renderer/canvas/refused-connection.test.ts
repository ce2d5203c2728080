import { describe, expect, it } from 'vitest';
import { endsOf } from '../../../renderer/canvas/refused-connection.ts';

const handle = (nodeId: string, type: 'source' | 'target', id: string | null = null) => ({ nodeId, type, id, position: 'right' as never, x: 0, y: 0, width: 8, height: 8 });

describe('endsOf (the two ends of a drag that did not connect)', () => {
  it('gives nothing for a drag that connected', () => {
    expect(endsOf({ isValid: true, fromHandle: handle('a', 'source', 'out'), toHandle: handle('b', 'target') }, undefined)).toEqual({});
  });

  it('takes the handle the drag ended on, output or input', () => {
    expect(endsOf({ isValid: false, fromHandle: handle('a', 'source', 'out'), toHandle: handle('b', 'source', 'error') }, 'b')).toEqual({
      from: { nodeId: 'a', handleType: 'source', port: 'out' },
      to: { nodeId: 'b', handleType: 'source', port: 'error' },
    });
  });

  it("reads an output dropped on a node's body as a connection into that node (a trigger has no input to drop on)", () => {
    expect(endsOf({ isValid: null, fromHandle: handle('a', 'source', 'out'), toHandle: null }, 'start')).toEqual({
      from: { nodeId: 'a', handleType: 'source', port: 'out' },
      to: { nodeId: 'start', handleType: 'target' },
    });
  });

  it('has no second end for a drop on the empty canvas, on its own node, or an input dropped on a body', () => {
    expect(endsOf({ isValid: null, fromHandle: handle('a', 'source', 'out'), toHandle: null }, undefined).to).toBeUndefined();
    expect(endsOf({ isValid: null, fromHandle: handle('a', 'source', 'out'), toHandle: null }, 'a').to).toBeUndefined();
    expect(endsOf({ isValid: null, fromHandle: handle('a', 'target'), toHandle: null }, 'b').to).toBeUndefined();
  });
});
