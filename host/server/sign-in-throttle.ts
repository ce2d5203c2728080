/** Failed sign-ins allowed per address, and per user name, within `SIGN_IN_WINDOW_MS`. */
export const SIGN_IN_FAILURE_LIMIT = 10;
/** The window failed sign-ins are counted over. */
export const SIGN_IN_WINDOW_MS = 60_000;
/** Addresses and names tracked at most; the oldest are forgotten first, so a flood cannot grow memory. */
const MAX_KEYS = 10_000;

/** Slows password guessing: too many recent failures from one address, or for one name, make the next attempts wait. */
export interface SignInThrottle {
  /** Whole seconds to wait before trying again, or 0 when an attempt may be made now. */
  retryAfter(address: string, name: string, now: number): number;
  failed(address: string, name: string, now: number): void;
  /** A right password clears the name's failures (not the address's). */
  succeeded(name: string): void;
}

/** A sliding-window throttle held in memory (one team server process). */
export function createSignInThrottle(options: { limit?: number; windowMs?: number } = {}): SignInThrottle {
  const limit = options.limit ?? SIGN_IN_FAILURE_LIMIT;
  const windowMs = options.windowMs ?? SIGN_IN_WINDOW_MS;
  const failures = new Map<string, number[]>();
  const keysOf = (address: string, name: string) => [`address ${address}`, `name ${name.trim().toLowerCase()}`];
  const recent = (key: string, now: number): number[] => {
    const kept = (failures.get(key) ?? []).filter((at) => at > now - windowMs);
    if (kept.length === 0) failures.delete(key);
    else failures.set(key, kept);
    return kept;
  };
  return {
    retryAfter(address, name, now) {
      let wait = 0;
      for (const key of keysOf(address, name)) {
        const times = recent(key, now);
        if (times.length >= limit) wait = Math.max(wait, Math.ceil((times[times.length - limit]! + windowMs - now) / 1000));
      }
      return wait === 0 ? 0 : Math.max(1, wait);
    },
    failed(address, name, now) {
      for (const key of keysOf(address, name)) {
        const times = recent(key, now);
        failures.delete(key);
        failures.set(key, [...times, now].slice(-limit));
      }
      while (failures.size > MAX_KEYS) failures.delete(failures.keys().next().value as string);
    },
    succeeded(name) {
      failures.delete(keysOf('', name)[1]!);
    },
  };
}
