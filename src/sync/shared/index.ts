/** Channels and locks that cross threads: they live in SharedArrayBuffers and can be passed as task arguments. */

export { AtomicCounter } from './atomic-counter.js';
export { SharedAcquireError, SharedSendError } from './error.js';
export {
  type SharedChannelOptions,
  SharedReceiver,
  SharedSender,
  sharedChannel,
} from './shared-channel.js';
export { SharedMutex, SharedPermit, SharedSemaphore } from './shared-semaphore.js';
