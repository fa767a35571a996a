/** `SocketAddr` and the address parsing every `bind`/`connect` shares. */
import { isIP } from 'node:net';
import { IoError } from '../io/error.js';

/**
 * An IP address and port. `toString()` gives `ip:port`, or `[ip]:port` for
 * IPv6, the form every `bind`/`connect` accepts back.
 *
 * @example
 * ```ts
 * import { SocketAddr } from 'tokio-ts/net';
 *
 * const a = SocketAddr.parse('[::1]:8080');
 * console.log(a.ip, a.port, a.family, `${a}`); // ::1 8080 IPv6 [::1]:8080
 * ```
 */
export class SocketAddr {
  readonly ip: string;
  readonly port: number;
  readonly family: 'IPv4' | 'IPv6';

  constructor(ip: string, port: number) {
    const fam = isIP(ip);
    if (fam === 0) throw invalid(`'${ip}' is not an IP address`);
    checkPort(port, ip);
    this.ip = ip;
    this.port = port;
    this.family = fam === 6 ? 'IPv6' : 'IPv4';
  }

  /** Parses `ip:port` or `[ipv6]:port` (an `IoError` of kind `invalid-input` otherwise). */
  static parse(s: string): SocketAddr {
    const { host, port } = parseHostPort(s);
    return new SocketAddr(host, port);
  }

  toString(): string {
    return this.family === 'IPv6' ? `[${this.ip}]:${this.port}` : `${this.ip}:${this.port}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** What `bind`/`connect` accept: `'host:port'`, `'[v6]:port'`, `{ host, port }` or a SocketAddr. */
export type ToSocketAddr = string | { host?: string; port: number } | SocketAddr;

function invalid(msg: string): IoError {
  return new IoError('invalid-input', `invalid socket address: ${msg}`, { code: 'EINVAL' });
}

function checkPort(port: unknown, what: string): void {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)
    throw invalid(`port ${String(port)} of ${what} is not in 0..65535`);
}

/** @internal */
export function parseHostPort(s: string): { host: string; port: number } {
  if (typeof s !== 'string') throw invalid(`expected a 'host:port' string, got ${typeof s}`);
  let host: string;
  let portStr: string;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0 || s[close + 1] !== ':') throw invalid(`'${s}' (expected '[ipv6]:port')`);
    host = s.slice(1, close);
    if (isIP(host) !== 6) throw invalid(`'${host}' in '${s}' is not an IPv6 address`);
    portStr = s.slice(close + 2);
  } else {
    const colon = s.lastIndexOf(':');
    if (colon <= 0) throw invalid(`'${s}' (expected 'host:port')`);
    host = s.slice(0, colon);
    if (host.includes(':')) throw invalid(`'${s}' (write IPv6 addresses as '[ip]:port')`);
    portStr = s.slice(colon + 1);
  }
  if (!/^\d{1,5}$/.test(portStr)) throw invalid(`'${s}' has no valid port`);
  const port = Number(portStr);
  checkPort(port, `'${s}'`);
  return { host, port };
}

/** Normalizes any accepted address form. @internal */
export function toHostPort(addr: ToSocketAddr, what: string): { host: string; port: number } {
  if (addr instanceof SocketAddr) return { host: addr.ip, port: addr.port };
  if (typeof addr === 'string') return parseHostPort(addr);
  if (addr !== null && typeof addr === 'object') {
    const host = addr.host ?? '127.0.0.1';
    if (typeof host !== 'string' || host.length === 0)
      throw invalid(`${what}: host must be a non-empty string`);
    checkPort(addr.port, `${what}`);
    return { host, port: addr.port };
  }
  throw invalid(
    `${what}: expected 'host:port', { host, port } or a SocketAddr, got ${String(addr)}`,
  );
}

/** @internal */
export function fromNode(ip: string | undefined, port: number | undefined): SocketAddr {
  if (ip === undefined || port === undefined)
    throw new IoError('not-connected', 'the socket has no address (it is not connected)', {
      code: 'ENOTCONN',
    });
  // Node reports IPv4-mapped addresses as '::ffff:a.b.c.d'; keep them as they are.
  return new SocketAddr(ip, port);
}

/** `host:port` (IPv6 hosts in brackets), or undefined when the socket has no address. @internal */
export function hostPort(host: string | undefined, port: number | undefined): string | undefined {
  if (host === undefined || port === undefined) return undefined;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
