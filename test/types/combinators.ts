// Type tests: compiled with `tsc --noEmit` (npm run typecheck), never run.
import { type Future, join, race, select, spawn, tryJoin } from 'tokio-ts';
import { pending, ready } from 'tokio-ts/future';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(_?: T): void {}

function* num(): Future<number> {
  return 1;
}

export function* checks(): Future<void> {
  const s = yield* select({ a: num(), b: ready('x'), c: () => num() });
  if (s.key === 'a') expectType<Equal<typeof s.value, number>>();
  if (s.key === 'b') expectType<Equal<typeof s.value, string>>();
  expectType<Equal<typeof s.key, 'a' | 'b' | 'c'>>();

  const e = yield* select({ a: Math.random() > 0.5 && num(), b: undefined }, { else: ready('e') });
  if (e.key === 'a') expectType<Equal<typeof e.value, number>>();
  if (e.key === 'else') expectType<Equal<typeof e.value, string>>();
  expectType<Equal<typeof e.key, 'a' | 'b' | 'else'>>();

  const jb = yield* join(num(), ready('s'), { biased: true });
  expectType<Equal<typeof jb, [number, string]>>();

  const j = yield* join(num(), ready('s'), () => ready(true));
  expectType<Equal<typeof j, [number, string, boolean]>>();

  const r = yield* join({ x: num(), y: ready('s') });
  expectType<Equal<typeof r, { x: number; y: string }>>();

  const t = yield* tryJoin(num(), ready(1n));
  expectType<Equal<typeof t, [number, bigint]>>();

  const w = yield* race(num(), ready('s'));
  expectType<Equal<typeof w, number | string>>();

  const h = spawn(num);
  const v = yield* h;
  expectType<Equal<typeof v, number>>();

  const p: never = yield* pending();
  void p;
}

export function* bareYieldIsATypeError(): Future<void> {
  // @ts-expect-error a bare yield is not a Suspend
  yield 5;
}

function* add(a: number, b: string): Future<string> {
  return `${a}${b}`;
}

export function* spawnWithArguments(): Future<void> {
  const h = spawn(add, 1, 'x');
  const v = yield* h;
  expectType<Equal<typeof v, string>>();
  // @ts-expect-error the arguments must match the parameters
  spawn(add, 'x', 1);
  // @ts-expect-error a function with parameters needs its arguments
  spawn(add);
  const named = yield* spawn(num, { name: 'n' });
  expectType<Equal<typeof named, number>>();
}
