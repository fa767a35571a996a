/** Multi-producer, single-consumer channels: `mpsc.channel(n)`, `mpsc.unboundedChannel()`. */
export {
  channel,
  OwnedPermit,
  Permit,
  PermitIterator,
  Receiver,
  Sender,
  type TryRecvResult,
  type TrySendResult,
  UnboundedSender,
  unboundedChannel,
  WeakSender,
  WeakUnboundedSender,
} from './channel.js';
