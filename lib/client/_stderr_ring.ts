/**
 * A bounded buffer for a child's stderr: keeps the last `capacity` bytes so that an error can
 * quote what the server said before it died, without letting a chatty server grow memory.
 *
 * @module
 */

// CSI (colours, cursor moves), OSC (titles, links; ended by BEL or ST), other ESC sequences,
// and the remaining C0/C1 control characters except tab and newline.
const TERMINAL_CODES =
  // deno-lint-ignore no-control-regex
  /\x1b\[[0-?]*[ -\/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * `text` without terminal escape sequences and control characters (newlines and tabs kept), so
 * a server's coloured stderr never reaches a message, a log or a model as raw codes.
 *
 * @example
 * ```ts
 * import { stripTerminalCodes } from "./_stderr_ring.ts";
 * console.assert(stripTerminalCodes("\x1b[31merror\x1b[0m: x") === "error: x");
 * ```
 */
export function stripTerminalCodes(text: string): string {
  return text.replace(TERMINAL_CODES, "");
}

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

  /** The buffered text, terminal codes removed ({@linkcode stripTerminalCodes}). */
  text(): string {
    const all = new Uint8Array(this.#size);
    let at = 0;
    for (const chunk of this.#chunks) {
      all.set(chunk, at);
      at += chunk.length;
    }
    return stripTerminalCodes(new TextDecoder().decode(all));
  }

  /** The last `lines` non-empty lines joined with " | ", at most `maxChars` long, for messages. */
  tail(lines = 5, maxChars = 500): string {
    const last = this.text().split("\n").map((line) => line.trim()).filter((line) => line !== "")
      .slice(-lines).join(" | ");
    return last.length > maxChars ? `…${last.slice(-maxChars)}` : last;
  }
}
