/**
 * Streams (tokio-stream): `Stream<T>` with `StreamExt`'s adapters and
 * terminal futures, sources from every receiver, intervals, listeners,
 * framed readers, lines, signals and (async) iterables, and `merge`.
 *
 * The natural loop over a stream inside a generator:
 * `for (let v; (v = yield* s.next()) !== undefined; ) { … }`.
 */

import './adapters.js';
import './terminal.js';
import './time-adapters.js';

export { merge } from './concurrent.js';
export { empty, iter, once, pending } from './sources.js';
export { type ForEachOptions, Peekable, Stream } from './stream.js';
