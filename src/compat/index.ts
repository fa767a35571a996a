/**
 * Bridges to Node's ecosystem: Node and web streams as tokio-ts I/O and back
 * (pull-based, with backpressure both ways), and event emitters as streams.
 * `CancellationToken.fromSignal` (in `tokio-ts/sync`) and
 * `handle.abortOnDrop()` (in `tokio-ts/task`) complete the set.
 */

export { OverflowError } from './error.js';
export { type FromEventsOptions, fromEvents } from './events.js';
export { fromNodeDuplex, NodeDuplex } from './node-duplex.js';
export { fromNodeReadable, NodeReader } from './node-reader.js';
export { fromNodeWritable, NodeWriter } from './node-writer.js';
export { type ToNodeOptions, toNodeDuplex, toNodeReadable, toNodeWritable } from './to-node.js';
export {
  fromWebReadable,
  fromWebWritable,
  toWebReadable,
  toWebWritable,
  WebReader,
  WebWriter,
} from './web.js';
