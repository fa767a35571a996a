// The database: a Map of keys, expirations ordered by deadline and purged by a
// background task that sleeps until the next one (woken early by a Notify when
// an earlier deadline arrives), and pub/sub channels: a set of subscribers per
// channel name, gone with its last subscriber. All of it runs on the
// runtime's clock, so tests use the paused clock.
import { type Future, select } from 'tokio-ts';
import { Notify } from 'tokio-ts/sync';
import { Instant, sleepUntil } from 'tokio-ts/time';

interface Entry {
  value: Uint8Array;
  /** Runtime-clock ms, or undefined for no expiry. */
  expiresAt: number | undefined;
}

interface Expiry {
  at: number;
  key: string;
  entry: Entry;
}

/** A binary min-heap of expirations (stale ones are skipped when popped). */
class ExpiryHeap {
  readonly #a: Expiry[] = [];

  get size(): number {
    return this.#a.length;
  }

  peek(): Expiry | undefined {
    return this.#a[0];
  }

  push(e: Expiry): void {
    const a = this.#a;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.at <= e.at) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = e;
  }

  pop(): Expiry | undefined {
    const a = this.#a;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const r = l + 1;
      const c = r < a.length && a[r]!.at < a[l]!.at ? r : l;
      if (a[c]!.at >= last.at) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
    return top;
  }
}

/** A subscribed connection, as the Db sees it. */
export interface Subscriber {
  /** Queues a published message (its RESP bytes, shared by all subscribers) for the client. */
  deliver(message: Uint8Array): void;
}

export class Db {
  readonly #entries = new Map<string, Entry>();
  readonly #expirations = new ExpiryHeap();
  readonly #pubsub = new Map<string, Set<Subscriber>>();
  readonly #purge = new Notify();
  #closed = false;

  get size(): number {
    return this.#entries.size;
  }

  #now(): number {
    return Instant.now().ms;
  }

  #live(key: string): Entry | undefined {
    const e = this.#entries.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt !== undefined && e.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }

  get(key: string): Uint8Array | undefined {
    return this.#live(key)?.value;
  }

  /** SET with its options; returns false when NX/XX kept it from happening. */
  set(
    key: string,
    value: Uint8Array,
    opts: { px?: number; nx?: boolean; xx?: boolean } = {},
  ): boolean {
    const exists = this.#live(key) !== undefined;
    if ((opts.nx && exists) || (opts.xx && !exists)) return false;
    // A copy: the request's bytes may be a view into the connection's buffer.
    const entry: Entry = { value: Buffer.from(value), expiresAt: undefined };
    this.#entries.set(key, entry);
    if (opts.px !== undefined) this.#expireEntry(key, entry, opts.px);
    return true;
  }

  #expireEntry(key: string, entry: Entry, ms: number): void {
    const at = this.#now() + ms;
    entry.expiresAt = at;
    const head = this.#expirations.peek();
    this.#expirations.push({ at, key, entry });
    // The purge task sleeps until the old first deadline: wake it if this one is earlier.
    if (head === undefined || at < head.at) this.#purge.notifyOne();
  }

  del(keys: string[]): number {
    let n = 0;
    for (const k of keys) if (this.#live(k) !== undefined && this.#entries.delete(k)) n++;
    return n;
  }

  exists(keys: string[]): number {
    let n = 0;
    for (const k of keys) if (this.#live(k) !== undefined) n++;
    return n;
  }

  /** INCRBY: throws a RangeError for a value that is not an integer. */
  incrBy(key: string, delta: number): number {
    const e = this.#live(key);
    let n = 0;
    if (e !== undefined) {
      const s = Buffer.from(e.value).toString('latin1');
      if (!/^-?\d{1,19}$/.test(s)) throw new RangeError('value is not an integer or out of range');
      n = Number(s);
    }
    const next = n + delta;
    if (!Number.isSafeInteger(next)) throw new RangeError('increment or decrement would overflow');
    const value = Buffer.from(String(next));
    if (e !== undefined) e.value = value;
    else this.#entries.set(key, { value, expiresAt: undefined });
    return next;
  }

  /** EXPIRE/PEXPIRE: returns false if the key does not exist. A deadline <= 0 deletes it. */
  expire(key: string, ms: number): boolean {
    const e = this.#live(key);
    if (e === undefined) return false;
    if (ms <= 0) {
      this.#entries.delete(key);
      return true;
    }
    this.#expireEntry(key, e, ms);
    return true;
  }

  /** Remaining ms: -2 when missing, -1 without expiry. */
  pttl(key: string): number {
    const e = this.#live(key);
    if (e === undefined) return -2;
    if (e.expiresAt === undefined) return -1;
    return Math.max(0, Math.ceil(e.expiresAt - this.#now()));
  }

  /**
   * Sends `message` to the channel's subscribers; returns how many received
   * it. The message is encoded once (`*3 message <channel> <message>`) and
   * the same bytes are queued for each of them, as Redis does.
   */
  publish(channel: string, message: Uint8Array): number {
    const subs = this.#pubsub.get(channel);
    if (subs === undefined) return 0;
    const name = Buffer.from(channel);
    const head = `*3\r\n$7\r\nmessage\r\n$${name.length}\r\n`;
    const frame = Buffer.concat([
      Buffer.from(head),
      name,
      Buffer.from(`\r\n$${message.length}\r\n`),
      message,
      CRLF,
    ]);
    let n = 0;
    // A subscriber over its output limit is unsubscribed while this runs
    // (deleting from a Set while iterating it is safe); Redis counts it.
    for (const s of subs) {
      s.deliver(frame);
      n++;
    }
    return n;
  }

  /** Subscribes `sub` to `channel`. */
  subscribe(channel: string, sub: Subscriber): void {
    const subs = this.#pubsub.get(channel);
    if (subs === undefined) this.#pubsub.set(channel, new Set([sub]));
    else subs.add(sub);
  }

  /** Unsubscribes `sub` from `channel`; the channel is freed with its last subscriber. */
  unsubscribe(channel: string, sub: Subscriber): void {
    const subs = this.#pubsub.get(channel);
    if (subs === undefined) return;
    subs.delete(sub);
    if (subs.size === 0) this.#pubsub.delete(channel);
  }

  /** Names of the channels with subscribers (PUBSUB CHANNELS). */
  channels(): IterableIterator<string> {
    return this.#pubsub.keys();
  }

  /** Subscribers of `channel` (PUBSUB NUMSUB). */
  subscribers(channel: string): number {
    return this.#pubsub.get(channel)?.size ?? 0;
  }

  /** Removes expired keys; returns the next deadline, if any. */
  #purgeExpired(): number | undefined {
    const now = this.#now();
    for (;;) {
      const top = this.#expirations.peek();
      if (top === undefined) return undefined;
      if (top.entry.expiresAt !== top.at || this.#entries.get(top.key) !== top.entry) {
        this.#expirations.pop(); // stale: the key changed since
        continue;
      }
      if (top.at > now) return top.at;
      this.#expirations.pop();
      this.#entries.delete(top.key);
    }
  }

  /** The background task: purges keys as they expire until {@link close}. */
  *purgeTask(): Future<void> {
    while (!this.#closed) {
      const next = this.#purgeExpired();
      if (next === undefined) yield* this.#purge.notified();
      else
        yield* select({ deadline: sleepUntil(new Instant(next)), earlier: this.#purge.notified() });
    }
  }

  /** Stops the purge task and forgets every pub/sub channel. */
  close(): void {
    this.#closed = true;
    this.#purge.notifyOne();
    this.#pubsub.clear();
  }
}

const CRLF = Buffer.from('\r\n');
