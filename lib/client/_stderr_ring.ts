/**
 * A bounded buffer for a child's stderr: keeps the last `capacity` bytes so that an error can
 * quote what the server said before it died, without letting a chatty server grow memory.
 *
 * @module
 */

/** Keeps the most recent bytes written to it, up to a fixed capacity. */
export class StderrRing {
  readonly #capacity: number;
  #chunks: Uint8Array[] = [];
  #size = 0;

  /** Creates a ring that keeps at most `capacity` bytes. */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) {
      throw new RangeError(`stderr buffer size must be a positive integer, got ${capacity}`);
    }
    this.#capacity = capacity;
  }

  /** Appends a chunk, dropping the oldest bytes beyond the capacity. */
  push(chunk: Uint8Array): void {
    const kept = chunk.length > this.#capacity ? chunk.slice(-this.#capacity) : chunk.slice();
    this.#chunks.push(kept);
    this.#size += kept.length;
    while (this.#size > this.#capacity) {
      const first = this.#chunks[0]!;
      const excess = this.#size - this.#capacity;
      if (first.length <= excess) {
        this.#chunks.shift();
        this.#size -= first.length;
      } else {
        this.#chunks[0] = first.slice(excess);
        this.#size -= excess;
      }
    }
  }

  /** The buffered text. */
  text(): string {
    const all = new Uint8Array(this.#size);
    let at = 0;
    for (const chunk of this.#chunks) {
      all.set(chunk, at);
      at += chunk.length;
    }
    return new TextDecoder().decode(all);
  }

  /** The last `lines` non-empty lines joined with " | ", at most `maxChars` long, for messages. */
  tail(lines = 5, maxChars = 500): string {
    const last = this.text().split("\n").map((line) => line.trim()).filter((line) => line !== "")
      .slice(-lines).join(" | ");
    return last.length > maxChars ? `…${last.slice(-maxChars)}` : last;
  }
}
