/**
 * `Atomics.pause` (ES2025; Node 24 and later), or `undefined` where the engine
 * lacks it. Spin-wait loops on shared memory call it between two looks: it
 * tells the CPU the thread is waiting on another core (x86 `pause`, Arm
 * `yield`), so a sibling hyper-thread gets the core's resources and the loop
 * does not hammer the cache line it watches. Feature-detected once: on Node 20
 * and 22 the loops spin as before, with one predictable branch and no call.
 * @internal
 */
export const cpuPause: ((iterationNumber?: number) => void) | undefined = (
  Atomics as { pause?: (iterationNumber?: number) => void }
).pause;
