import { describe, expect, it } from 'vitest';
import { createSignInThrottle } from '../../../host/server/sign-in-throttle.ts';

const T0 = Date.UTC(2030, 0, 1);

describe('the sign-in throttle', () => {
  it('lets 10 failures through in a minute, then asks to wait until the oldest is a minute old', () => {
    const throttle = createSignInThrottle();
    for (let i = 0; i < 10; i += 1) {
      expect(throttle.retryAfter('10.0.0.1', 'ann', T0 + i * 1000)).toBe(0);
      throttle.failed('10.0.0.1', 'ann', T0 + i * 1000);
    }
    expect(throttle.retryAfter('10.0.0.1', 'ann', T0 + 10_000)).toBe(50);
    expect(throttle.retryAfter('10.0.0.1', 'ann', T0 + 59_500)).toBe(1);
    expect(throttle.retryAfter('10.0.0.1', 'ann', T0 + 60_001)).toBe(0);
  });

  it('counts per address and per name: another name from the address waits, as does the name from elsewhere', () => {
    const throttle = createSignInThrottle({ limit: 2 });
    throttle.failed('10.0.0.1', 'ann', T0);
    throttle.failed('10.0.0.1', 'ann', T0);
    expect(throttle.retryAfter('10.0.0.1', 'al', T0)).toBeGreaterThan(0);
    expect(throttle.retryAfter('10.0.0.2', 'ANN', T0)).toBeGreaterThan(0);
    expect(throttle.retryAfter('10.0.0.2', 'al', T0)).toBe(0);
  });

  it("clears a name's failures on a right password, not the address's", () => {
    const throttle = createSignInThrottle({ limit: 2 });
    throttle.failed('10.0.0.1', 'ann', T0);
    throttle.failed('10.0.0.2', 'ann', T0);
    throttle.succeeded('ann');
    expect(throttle.retryAfter('10.0.0.3', 'ann', T0)).toBe(0);
    throttle.failed('10.0.0.1', 'al', T0);
    expect(throttle.retryAfter('10.0.0.1', 'bo', T0)).toBeGreaterThan(0);
  });
});
