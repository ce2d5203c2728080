/**
 * A stand-in for an object that is reopened now and then (a worker's vault and workspace, when
 * the team server changes them): holders keep `view`, and every call reaches the current one.
 */
export interface Swappable<T extends object> {
  readonly view: T;
  current(): T;
  swap(next: T): void;
}

/** Wraps `initial`; methods are called on whichever object is current at call time. */
export function swappable<T extends object>(initial: T): Swappable<T> {
  let current = initial;
  const view = new Proxy({} as T, {
    get(_target, key) {
      const value: unknown = Reflect.get(current, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
    has: (_target, key) => Reflect.has(current, key),
  });
  return { view, current: () => current, swap: (next) => (current = next) };
}
