import fs from 'node:fs';
import path from 'node:path';
import { type ByteStore, FileStore, MemoryStore } from './byte-store.js';

/**
 * A partition's folder: the file operations a partition log needs, on disk or in memory.
 */
export interface Directory {
  /** The folder on disk, or undefined in memory. */
  readonly path: string | undefined;
  list(): string[];
  exists(name: string): boolean;
  open(name: string): ByteStore;
  remove(name: string): void;
  /** Atomically replaces `to` with `from`. */
  rename(from: string, to: string): void;
  /** fsyncs the folder itself so created, renamed and deleted names survive a power loss. */
  syncDir(): void;
  mtimeMs(name: string): number;
}

export class FileDirectory implements Directory {
  constructor(readonly path: string) {
    fs.mkdirSync(path, { recursive: true });
  }
  list(): string[] {
    return fs.readdirSync(this.path);
  }
  exists(name: string): boolean {
    return fs.existsSync(path.join(this.path, name));
  }
  open(name: string): FileStore {
    return FileStore.open(path.join(this.path, name));
  }
  remove(name: string): void {
    fs.rmSync(path.join(this.path, name), { force: true });
  }
  rename(from: string, to: string): void {
    fs.renameSync(path.join(this.path, from), path.join(this.path, to));
  }
  syncDir(): void {
    syncDirectory(this.path);
  }
  mtimeMs(name: string): number {
    try {
      return fs.statSync(path.join(this.path, name)).mtimeMs;
    } catch {
      return Date.now();
    }
  }
}

export function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export class MemoryDirectory implements Directory {
  readonly path = undefined;
  readonly #files = new Map<string, { store: MemoryStore; mtime: number }>();
  list(): string[] {
    return [...this.#files.keys()];
  }
  exists(name: string): boolean {
    return this.#files.has(name);
  }
  open(name: string): MemoryStore {
    let f = this.#files.get(name);
    if (!f) {
      f = { store: new MemoryStore(), mtime: Date.now() };
      this.#files.set(name, f);
    }
    return f.store;
  }
  remove(name: string): void {
    this.#files.delete(name);
  }
  rename(from: string, to: string): void {
    const f = this.#files.get(from);
    if (!f) throw new Error(`no such file: ${from}`);
    this.#files.delete(from);
    this.#files.set(to, f);
  }
  syncDir(): void {}
  mtimeMs(name: string): number {
    return this.#files.get(name)?.mtime ?? Date.now();
  }
}
