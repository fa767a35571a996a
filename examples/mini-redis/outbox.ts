// A subscribed connection's output queue. Published messages are pushed into
// it by the publisher (PUBLISH runs in the publisher's task), the connection's
// task writes it out. Like Redis's reply list it is bounded for pub/sub
// clients by `client-output-buffer-limit pubsub <hard> <soft> <seconds>`: a
// client whose unwritten output reaches the hard limit, or stays at or above
// the soft limit for longer than the soft period, is disconnected (a
// subscriber that never reads would otherwise grow the server without bound).
import { Notify } from 'tokio-ts/sync';
import { Instant } from 'tokio-ts/time';
import type { Subscriber } from './db.js';

/** Redis's `client-output-buffer-limit` of one client class; 0 turns a limit off. */
export interface OutputLimit {
  /** Disconnect as soon as this many bytes wait to be written. */
  hardBytes: number;
  /** Disconnect when this many bytes wait for longer than `softSeconds`. */
  softBytes: number;
  softSeconds: number;
}

/** Redis's default for pub/sub clients: `32mb 8mb 60`. */
export const PUBSUB_LIMIT: OutputLimit = {
  hardBytes: 32 * 1024 * 1024,
  softBytes: 8 * 1024 * 1024,
  softSeconds: 60,
};

export class Outbox implements Subscriber {
  /** Chunks waiting to be written; #head is the first, #offset bytes of it are written. */
  #chunks: Uint8Array[] = [];
  #head = 0;
  #offset = 0;
  /** Bytes waiting to be written. */
  bytes = 0;
  /** When the soft limit was first found exceeded (runtime-clock ms), or -1. */
  #softSince = -1;
  killed = false;
  /** Notified when a chunk is pushed (or the outbox is killed). */
  readonly ready = new Notify();
  /** Channels this connection is subscribed to. */
  readonly channels = new Set<string>();
  readonly #limit: OutputLimit;
  readonly #onKill: (outbox: Outbox) => void;

  constructor(limit: OutputLimit, onKill: (outbox: Outbox) => void) {
    this.#limit = limit;
    this.#onKill = onKill;
  }

  /** Queues bytes the connection will write; `limited` applies the output limit. */
  push(b: Uint8Array, limited: boolean): void {
    if (this.killed) return;
    this.#chunks.push(b);
    this.bytes += b.length;
    if (limited && this.#overLimit()) this.kill();
    else this.ready.notifyOne();
  }

  /** A published message (the same bytes go to every subscriber). */
  deliver(message: Uint8Array): void {
    this.push(message, true);
  }

  /** The first unwritten bytes (undefined when empty). */
  peek(): Uint8Array | undefined {
    const c = this.#chunks[this.#head];
    return c === undefined ? undefined : this.#offset === 0 ? c : c.subarray(this.#offset);
  }

  /** Marks `n` bytes of {@link peek} as written. */
  consume(n: number): void {
    if (this.killed) return;
    this.bytes -= n;
    this.#offset += n;
    if (this.#offset < this.#chunks[this.#head]!.length) return;
    this.#chunks[this.#head++] = EMPTY; // let the chunk go
    this.#offset = 0;
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    }
  }

  /** Drops what is queued and disconnects the client (once). */
  kill(): void {
    if (this.killed) return;
    this.killed = true;
    this.#chunks = [];
    this.#head = this.#offset = this.bytes = 0;
    this.#onKill(this);
    this.ready.notifyOne();
  }

  /** Redis's checkClientOutputBufferLimits. */
  #overLimit(): boolean {
    const { hardBytes, softBytes, softSeconds } = this.#limit;
    if (hardBytes > 0 && this.bytes >= hardBytes) return true;
    if (softBytes > 0 && this.bytes >= softBytes) {
      const now = Instant.now().ms;
      if (this.#softSince < 0) this.#softSince = now;
      else if (now - this.#softSince > softSeconds * 1000) return true;
    } else this.#softSince = -1;
    return false;
  }
}

const EMPTY = new Uint8Array(0);
