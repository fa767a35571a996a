// The commands: parse a request (an array of bulk strings) and apply it to the
// Db. SUBSCRIBE/UNSUBSCRIBE change the connection's mode, so the connection
// handles them (see connection.ts); everything else is here.
import type { Db } from './db.js';
import { array, bulk, error, type Frame, int, NULL, OK, simple } from './resp.js';

const str = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8');

/** A command name in upper case, without making a Buffer (names are short ASCII). */
export function commandName(b: Uint8Array): string {
  if (b.length > 24) return str(b).toUpperCase();
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    s += String.fromCharCode(c >= 97 && c <= 122 ? c - 32 : c);
  }
  return s;
}
const upper = commandName;

/** Redis 7's reply to an unknown command: its name and the first arguments, 128 bytes of arguments. */
function unknownCommand(args: Uint8Array[]): Frame {
  let shown = '';
  for (let i = 1; i < args.length && shown.length < 128; i++)
    shown += `'${str(args[i]!.subarray(0, 128 - shown.length))}' `;
  const name = str(args[0]!.subarray(0, 128));
  return error(
    `ERR unknown command '${name}', with args beginning with: ${shown}`.replace(/[\r\n]/g, ' '),
  );
}

const wrongArgs = (cmd: string): Frame =>
  error(`ERR wrong number of arguments for '${cmd.toLowerCase()}' command`);
const NOT_INT = error('ERR value is not an integer or out of range');
const SYNTAX = error('ERR syntax error');

const LL_MAX = 2n ** 63n - 1n;
const LL_MIN = -(2n ** 63n);

/** Redis's getLongLongFromObject: a canonical decimal integer in the 64-bit range. */
function parseLongLong(b: Uint8Array): bigint | undefined {
  const s = str(b);
  if (!/^(0|-?[1-9]\d{0,18})$/.test(s)) return undefined;
  const n = BigInt(s);
  return n > LL_MAX || n < LL_MIN ? undefined : n;
}

const badExpire = (cmd: string): Frame =>
  error(`ERR invalid expire time in '${cmd.toLowerCase()}' command`);

function parseInteger(b: Uint8Array): number | undefined {
  const s = str(b);
  if (!/^-?\d{1,16}$/.test(s)) return undefined;
  return Number(s);
}

const INFO = Buffer.from(
  '# Server\r\nredis_version:7.0.0-mini\r\nredis_mode:standalone\r\nos:tokio-ts\r\n' +
    '# Clients\r\nconnected_clients:1\r\n',
);

/** Applies one command (not SUBSCRIBE/UNSUBSCRIBE) and returns the reply. */
export function apply(db: Db, args: Uint8Array[], cmd = commandName(args[0]!)): Frame {
  const n = args.length;
  switch (cmd) {
    case 'PING':
      if (n === 1) return simple('PONG');
      if (n === 2) return bulk(args[1]!);
      return wrongArgs(cmd);
    case 'ECHO':
      return n === 2 ? bulk(args[1]!) : wrongArgs(cmd);
    case 'GET': {
      if (n !== 2) return wrongArgs(cmd);
      const v = db.get(str(args[1]!));
      return v === undefined ? NULL : bulk(v);
    }
    case 'SET': {
      if (n < 3) return wrongArgs(cmd);
      const opts: { px?: number; nx?: boolean; xx?: boolean } = {};
      for (let i = 3; i < n; i++) {
        const o = upper(args[i]!);
        if (o === 'NX') opts.nx = true;
        else if (o === 'XX') opts.xx = true;
        else if (o === 'EX' || o === 'PX') {
          if (i + 1 >= n || opts.px !== undefined) return SYNTAX;
          const t = parseLongLong(args[++i]!);
          if (t === undefined) return NOT_INT;
          if (t <= 0n || (o === 'EX' && t > LL_MAX / 1000n)) return badExpire('set');
          const ms = o === 'EX' ? t * 1000n : t;
          if (ms > LL_MAX - BigInt(Date.now())) return badExpire('set'); // the deadline overflows
          opts.px = Number(ms);
        } else return SYNTAX;
      }
      if (opts.nx && opts.xx) return SYNTAX;
      return db.set(str(args[1]!), args[2]!, opts) ? OK : NULL;
    }
    case 'DEL':
      return n < 2 ? wrongArgs(cmd) : int(db.del(args.slice(1).map(str)));
    case 'EXISTS':
      return n < 2 ? wrongArgs(cmd) : int(db.exists(args.slice(1).map(str)));
    case 'INCR':
    case 'DECR':
    case 'INCRBY':
    case 'DECRBY': {
      const by = cmd === 'INCRBY' || cmd === 'DECRBY';
      if (n !== (by ? 3 : 2)) return wrongArgs(cmd);
      const step = by ? parseInteger(args[2]!) : 1;
      if (step === undefined) return NOT_INT;
      try {
        return int(db.incrBy(str(args[1]!), cmd.startsWith('DECR') ? -step : step));
      } catch (e) {
        return error(`ERR ${(e as Error).message}`);
      }
    }
    case 'EXPIRE':
    case 'PEXPIRE': {
      if (n !== 3) return wrongArgs(cmd);
      // As Redis's expireGenericCommand: a 64-bit integer whose deadline
      // (in ms, from the wall clock's now) does not overflow.
      let t = parseLongLong(args[2]!);
      if (t === undefined) return NOT_INT;
      if (cmd === 'EXPIRE') {
        if (t > LL_MAX / 1000n || t < LL_MIN / 1000n) return badExpire(cmd);
        t *= 1000n;
      }
      if (t > LL_MAX - BigInt(Date.now())) return badExpire(cmd);
      return int(db.expire(str(args[1]!), Number(t)) ? 1 : 0);
    }
    case 'TTL':
    case 'PTTL': {
      if (n !== 2) return wrongArgs(cmd);
      const ms = db.pttl(str(args[1]!));
      if (ms < 0 || cmd === 'PTTL') return int(ms);
      return int(Math.round(ms / 1000)); // as Redis: (ttl + 500) / 1000
    }
    case 'PUBLISH':
      return n === 3 ? int(db.publish(str(args[1]!), args[2]!)) : wrongArgs(cmd);
    case 'PUBSUB':
      return pubsub(db, args);
    case 'COMMAND':
      return array([]);
    case 'CLIENT':
    case 'SELECT':
    case 'FLUSHALL':
      if (cmd === 'FLUSHALL') return error('ERR FLUSHALL is not supported by mini-redis');
      return OK;
    case 'CONFIG':
      // redis-benchmark asks for `save` and `appendonly`; answer "not set".
      if (n === 3 && upper(args[1]!) === 'GET') return array([bulk(args[2]!), bulk('')]);
      return error('ERR CONFIG is not supported by mini-redis');
    case 'INFO':
      return bulk(INFO);
    case 'DBSIZE':
      return int(db.size);
    default:
      return unknownCommand(args);
  }
}

/** PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT (no pattern subscriptions here). */
function pubsub(db: Db, args: Uint8Array[]): Frame {
  if (args.length < 2) return wrongArgs('pubsub');
  const sub = upper(args[1]!);
  const n = args.length;
  if (sub === 'CHANNELS' && n <= 3) {
    const match = n === 3 ? globToRegExp(str(args[2]!)) : null;
    const names: Frame[] = [];
    for (const name of db.channels())
      if (match === null || match.test(name)) names.push(bulk(name));
    return array(names);
  }
  if (sub === 'NUMSUB') {
    const out: Frame[] = [];
    for (let i = 2; i < n; i++) out.push(bulk(args[i]!), int(db.subscribers(str(args[i]!))));
    return array(out);
  }
  if (sub === 'NUMPAT') return n === 2 ? int(0) : wrongArgs('pubsub|numpat');
  if (sub === 'CHANNELS')
    return error(
      "ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.",
    );
  return error(`ERR unknown subcommand '${str(args[1]!).slice(0, 128)}'. Try PUBSUB HELP.`);
}

/** Redis's glob (stringmatchlen): `*`, `?`, `[a-z]`, `[^x]`, `\\x`. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '\\' && i + 1 < glob.length) re += escapeRe(glob[++i]!);
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        const neg = body.startsWith('^');
        if (neg) body = body.slice(1);
        re += `[${neg ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
        i = end;
      }
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`);
}

const escapeRe = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
