/**
 * One ref'd handle per thread, held while any task waits on shared memory: a
 * pending `Atomics.waitAsync` does not keep Node's event loop alive
 * (research/threads.md B.1), so without it a process whose only task waits on
 * a shared channel would exit.
 * @internal
 */
let holders = 0;
let handle: NodeJS.Timeout | null = null;

function noop(): void {}

/** @internal */
export function holdRef(): void {
  if (holders++ === 0) {
    if (handle === null) handle = setInterval(noop, 1 << 30);
    else handle.ref();
  }
}

/** @internal */
export function releaseRef(): void {
  if (--holders === 0 && handle !== null) handle.unref();
}
