/** Networking: TCP, UDP and Unix sockets with pull-based reads, and name lookup. */

export { SocketAddr, type ToSocketAddr } from './addr.js';
export { lookupHost } from './lookup.js';
export { OwnedReadHalf, OwnedWriteHalf, SocketStreamBase } from './stream.js';
export { TcpListener, TcpStream } from './tcp.js';
export { UdpSocket } from './udp.js';
export { UnixListener, UnixStream } from './unix.js';
