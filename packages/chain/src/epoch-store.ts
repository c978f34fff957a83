/**
 * The chain epochs this node has seen, per chain, in `<log dir>/chain-epochs.json`. An epoch only
 * grows: `raise` ignores anything not above what is stored. Written with a temp file + rename.
 */
import fs from 'node:fs';
import path from 'node:path';

export const CHAIN_EPOCHS_FILE = 'chain-epochs.json';

export class EpochStore {
  readonly #file: string;
  readonly #epochs = new Map<string, number>();

  constructor(dir: string) {
    this.#file = path.join(dir, CHAIN_EPOCHS_FILE);
    fs.mkdirSync(dir, { recursive: true });
    try {
      const parsed = JSON.parse(fs.readFileSync(this.#file, 'utf8')) as Record<string, unknown>;
      for (const [name, epoch] of Object.entries(parsed)) {
        if (typeof epoch === 'number' && Number.isInteger(epoch) && epoch >= 0) this.#epochs.set(name, epoch);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`${this.#file} is unreadable (${(err as Error).message}); fix or remove it`);
      }
    }
  }

  get(chain: string): number {
    return this.#epochs.get(chain) ?? 0;
  }

  /** Stores `epoch` if it is above the stored one; returns the epoch now stored. */
  raise(chain: string, epoch: number): number {
    const now = this.get(chain);
    if (epoch <= now) return now;
    this.#epochs.set(chain, epoch);
    const tmp = `${this.#file}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, JSON.stringify(Object.fromEntries(this.#epochs)));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.#file);
    return epoch;
  }
}
