/** Multi-producer, single-consumer channels: `mpsc.channel(n)`, `mpsc.unboundedChannel()`. */
export {
  channel,
  Receiver,
  Sender,
  type TryRecvResult,
  type TrySendResult,
  UnboundedSender,
  unboundedChannel,
} from './channel.js';
