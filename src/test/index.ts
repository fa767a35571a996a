/** The test kit: run test bodies as tasks on fresh runtimes. */

/**
 * The scripted mock stream (tokio-test's `io::Builder`).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { io } from 'tokio-ts/test';
 *
 * main(function* () {
 *   const mock = io.Builder().write('PING\r\n').read('+PONG\r\n').build();
 *   yield* mock.writeAll(new TextEncoder().encode('PING\r\n'));
 *   const buf = new Uint8Array(16);
 *   const n = yield* mock.read(buf);
 *   console.log(new TextDecoder().decode(buf.subarray(0, n)).trim()); // +PONG
 *   mock.assertDone();
 * });
 * ```
 */
export * as io from './io-mock-exports.js';
export { runTest, type TestOptions, test } from './test.js';
