/**
 * Buffered stdout for dump-log: millions of short lines, so they are joined into large writes
 * (a write per line costs more than formatting it). A closed pipe (`| head`) ends the dump
 * quietly, as it does for Kafka's tool.
 */
export class Output {
  #parts: string[] = [];
  #size = 0;
  readonly #write: (text: string) => void;

  constructor(write: (text: string) => void = (t) => process.stdout.write(t)) {
    this.#write = write;
  }

  line(text: string): void {
    this.#parts.push(text, '\n');
    this.#size += text.length + 1;
    if (this.#size >= 1 << 16) this.flush();
  }

  flush(): void {
    if (this.#size === 0) return;
    const text = this.#parts.join('');
    this.#parts = [];
    this.#size = 0;
    this.#write(text);
  }
}
