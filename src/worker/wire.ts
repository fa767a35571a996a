/**
 * Shared primitives (`sync/shared`) as task arguments: structured clone keeps
 * their `SharedArrayBuffer`s but drops their class, so each one turns itself
 * into a tagged plain object before `postMessage` and is revived on the other
 * side. Only top-level arguments are converted.
 * @internal
 */

/** Implemented by classes that can cross threads. @internal */
export const TO_WIRE: unique symbol = Symbol.for('tokio-ts.toWire');

const revivers = new Map<string, (data: unknown) => unknown>();

/** Registers how to revive objects tagged `kind`. @internal */
export function registerReviver(kind: string, fn: (data: unknown) => unknown): void {
  revivers.set(kind, fn);
}

interface Wired {
  __tokioTsShared: string;
  data: unknown;
}

/** @internal */
export function toWire(args: unknown[]): unknown[] {
  let out: unknown[] | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as { [TO_WIRE]?: () => Wired } | null;
    if (a !== null && typeof a === 'object' && typeof a[TO_WIRE] === 'function') {
      out ??= args.slice();
      out[i] = a[TO_WIRE]();
    }
  }
  return out ?? args;
}

/** @internal */
export function fromWire(args: unknown[]): unknown[] {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as Wired | null;
    if (a !== null && typeof a === 'object' && typeof a.__tokioTsShared === 'string') {
      const fn = revivers.get(a.__tokioTsShared);
      if (fn !== undefined) args[i] = fn(a.data);
    }
  }
  return args;
}
