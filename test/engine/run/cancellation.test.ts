import { describe, expect, it } from 'vitest';
import { CancellationSource } from '../../../engine/run/cancellation.ts';

describe('CancellationSource', () => {
  it('calls each abort listener once, with the reason readable, and forgets them', () => {
    const source = new CancellationSource();
    const heard: unknown[] = [];
    source.addEventListener('abort', () => heard.push(source.reason));
    source.cancel('stop');
    source.cancel('again');
    expect(heard).toEqual(['stop']);
    expect(source).toMatchObject({ aborted: true, reason: 'stop' });
  });

  it('does not call a listener that was removed, nor one added after the abort', () => {
    const source = new CancellationSource();
    const heard: string[] = [];
    const removed = () => heard.push('removed');
    source.addEventListener('abort', removed);
    source.addEventListener('abort', () => heard.push('kept'));
    source.removeEventListener('abort', removed);
    source.cancel(new Error('x'));
    source.addEventListener('abort', () => heard.push('late'));
    expect(heard).toEqual(['kept']);
  });
});
