// Type errors a newcomer meets, checked by test/docs/type-errors.test.ts: each
// marked line (the marker's line, or the next one for a marker alone on its
// line) must fail to compile, and its error must read as the marker says
// ("first line:" the error's first line contains the text; "says:" some line
// of the error does). Not part of the build or of `npm run typecheck`.
import { type Future, spawn } from 'tokio-ts';
import { sleep } from 'tokio-ts/time';

export function* missingStar(): Future<void> {
  yield sleep(10); // first line: use yield* (not yield) to wait for a Future
}

export function spawnsAPromise(url: string): void {
  spawn(fetch(url)); // says: spawn() takes a Future, not a Promise: wrap it with call()
}

export function spawnsAGeneratorMissingAStar(): void {
  // says: use yield* (not yield) to wait for a Future
  spawn(function* () {
    yield sleep(10);
  });
}
