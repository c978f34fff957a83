import fs from 'node:fs';
import { allocReadBuffer } from './read-pool.js';

/**
 * One file's bytes. Segments and indexes are written through this so that the same segment code
 * runs on disk and in memory (the embedded test broker). Writes are synchronous: a write to the
 * page cache costs a few microseconds, while an async fs call costs ~40 µs in the thread pool.
 * Only fsync, which can take milliseconds, is async.
 */
export interface ByteStore {
  readonly size: number;
  /** Appends at the end; returns the position written at. */
  append(buf: Uint8Array): number;
  /**
   * Appends at the end later: `buf` is queued (not copied, so it must not change) and written
   * together with the other queued buffers by `flushPending` (one writev), or before any other
   * operation on the store. `size` counts it at once. Stores without it append at once.
   */
  appendDeferred?(buf: Uint8Array): number;
  /** Writes the queued buffers; throws what the write threw (they are then dropped). */
  flushPending?(): void;
  /** Writes at `position` (may extend the file). */
  writeAt(buf: Uint8Array, position: number): void;
  /** Reads up to `length` bytes at `position`; shorter at the end of the file. */
  read(position: number, length: number): Buffer;
  truncate(size: number): void;
  /** Durably stores what has been written (fdatasync). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export class FileStore implements ByteStore {
  #fd: number;
  #size: number;
  #syncing: Promise<void> | undefined;
  #closed = false;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;

  private constructor(
    readonly path: string,
    fd: number,
    size: number,
  ) {
    this.#fd = fd;
    this.#size = size;
  }

  static open(path: string): FileStore {
    const fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    return new FileStore(path, fd, fs.fstatSync(fd).size);
  }

  get size(): number {
    return this.#size;
  }

  append(buf: Uint8Array): number {
    const pos = this.#size;
    this.writeAt(buf, pos);
    return pos;
  }

  appendDeferred(buf: Uint8Array): number {
    const pos = this.#size;
    this.#pending.push(buf);
    this.#pendingBytes += buf.length;
    this.#size += buf.length;
    return pos;
  }

  flushPending(): void {
    if (this.#pendingBytes === 0) return;
    const bufs = this.#pending;
    const total = this.#pendingBytes;
    const start = this.#size - total;
    this.#pending = [];
    this.#pendingBytes = 0;
    let done = 0;
    try {
      let rest = bufs;
      while (done < total) {
        let n = fs.writevSync(this.#fd, rest, start + done);
        done += n;
        // A short writev (rare: disk full, signals): go on from where it stopped.
        let i = 0;
        while (i < rest.length && n >= rest[i]!.length) n -= rest[i++]!.length;
        rest = rest.slice(i);
        if (n > 0) rest[0] = rest[0]!.subarray(n);
      }
    } catch (err) {
      this.#size = start + done;
      throw err;
    }
  }

  writeAt(buf: Uint8Array, position: number): void {
    this.flushPending();
    let done = 0;
    // writeSync may write less than asked (rare: disk full, signals); loop until all is written.
    while (done < buf.length) done += fs.writeSync(this.#fd, buf, done, buf.length - done, position + done);
    if (position + buf.length > this.#size) this.#size = position + buf.length;
  }

  read(position: number, length: number): Buffer {
    this.flushPending();
    const len = Math.max(0, Math.min(length, this.#size - position));
    const buf = allocReadBuffer(len);
    let done = 0;
    while (done < len) {
      const n = fs.readSync(this.#fd, buf, done, len - done, position + done);
      if (n === 0) return buf.subarray(0, done);
      done += n;
    }
    return buf;
  }

  truncate(size: number): void {
    this.flushPending();
    fs.ftruncateSync(this.#fd, size);
    this.#size = size;
  }

  sync(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    try {
      this.flushPending();
    } catch (err) {
      return Promise.reject(err);
    }
    const p = new Promise<void>((resolve, reject) => {
      fs.fdatasync(this.#fd, (err) => (err ? reject(err) : resolve()));
    });
    // close() waits for this: closing an fd under a running fsync could hit a reused fd.
    this.#syncing = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.flushPending();
    this.#closed = true;
    if (this.#syncing) await this.#syncing;
    fs.closeSync(this.#fd);
  }

  /** Closes now, for callers that never started a sync (startup, tests). */
  closeSync(): void {
    if (this.#closed) return;
    this.flushPending();
    this.#closed = true;
    fs.closeSync(this.#fd);
  }
}

/** A growable in-memory file: the in-memory mode of the embedded broker. */
export class MemoryStore implements ByteStore {
  #buf = Buffer.alloc(0);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  append(buf: Uint8Array): number {
    const pos = this.#size;
    this.writeAt(buf, pos);
    return pos;
  }

  writeAt(buf: Uint8Array, position: number): void {
    const end = position + buf.length;
    if (end > this.#buf.length) {
      const grown = Buffer.alloc(Math.max(end, this.#buf.length * 2, 4096));
      this.#buf.copy(grown, 0, 0, this.#size);
      this.#buf = grown;
    }
    this.#buf.set(buf, position);
    if (end > this.#size) this.#size = end;
  }

  read(position: number, length: number): Buffer {
    const len = Math.max(0, Math.min(length, this.#size - position));
    // A copy: the backing buffer is reused when it grows or is truncated.
    return Buffer.from(this.#buf.subarray(position, position + len));
  }

  truncate(size: number): void {
    if (size < this.#size) this.#buf.fill(0, size, this.#size);
    this.#size = Math.min(size, this.#size);
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
