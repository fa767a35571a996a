/**
 * Base classes giving every concrete stream the `AsyncReadExt`/`AsyncWriteExt`
 * helpers as methods (`stream.readExact(buf)`, `stream.writeAll(buf)`, …).
 * @internal
 */
import type { Future } from '../future/future.js';
import type { AsyncRead, AsyncWrite } from './traits.js';
import { readExact, readToEnd, readToString, writeAll } from './util.js';

/** A reader with the read helpers as methods. */
export abstract class ReadBase implements AsyncRead {
  abstract read(buf: Uint8Array): Future<number>;

  /** Reads exactly `buf.length` bytes (throws `UnexpectedEof`). Not cancel safe. */
  readExact(buf: Uint8Array): Future<number> {
    return readExact(this, buf);
  }

  /** Reads to the end of the stream. Not cancel safe. */
  readToEnd(): Future<Uint8Array> {
    return readToEnd(this);
  }

  /** Reads to the end and decodes UTF-8. Not cancel safe. */
  readToString(): Future<string> {
    return readToString(this);
  }
}

/** A writer with `writeAll` as a method. */
export abstract class WriteBase implements AsyncWrite {
  abstract write(buf: Uint8Array): Future<number>;
  abstract flush(): Future<void>;
  abstract shutdown(): Future<void>;

  /** Writes all of `buf`; `buf` may be reused when it returns. Not cancel safe. */
  writeAll(buf: Uint8Array): Future<void> {
    return writeAll(this, buf);
  }
}

/** A two-way stream with all the helpers as methods. */
export abstract class ReadWriteBase extends ReadBase implements AsyncWrite {
  abstract write(buf: Uint8Array): Future<number>;
  abstract flush(): Future<void>;
  abstract shutdown(): Future<void>;

  /** Writes all of `buf`; `buf` may be reused when it returns. Not cancel safe. */
  writeAll(buf: Uint8Array): Future<void> {
    return writeAll(this, buf);
  }
}
