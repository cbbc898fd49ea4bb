/**
 * Splitting a byte stream into newline-delimited frames under a size cap, without ever holding
 * more than the cap (plus one read chunk) in memory. Shared by the host and the guest.
 *
 * @module
 */

/** One unit cut out of the stream. */
export type Frame =
  /** A complete frame decoded as UTF-8 (without the newline). */
  | { readonly kind: "frame"; readonly text: string }
  /** A frame that is not valid UTF-8. */
  | { readonly kind: "invalid-utf8" }
  /** A frame over the cap: `head` is its first bytes, so the id may still be found. The rest
   * of that frame, up to its newline, is discarded as it arrives. */
  | { readonly kind: "too-large"; readonly head: string };

const NEWLINE = 0x0a;
const HEAD_BYTES = 256;

/** Cuts frames out of chunks. A newline byte never occurs inside a multi-byte UTF-8 sequence,
 * so splitting on bytes before decoding is safe for partial UTF-8 across chunks. */
export class FrameSplitter {
  readonly #maxFrameBytes: number;
  readonly #decoder = new TextDecoder("utf-8", { fatal: true });
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #discarding = false;

  /** Creates a splitter refusing frames over `maxFrameBytes` bytes. */
  constructor(maxFrameBytes: number) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Feeds one chunk (which may be reused by the caller afterwards); returns the frames it
   * completed, in order. Empty lines are skipped. */
  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      if (this.#discarding) {
        if (newline !== -1) this.#discarding = false;
      } else if (this.#pendingBytes + (end - start) > this.#maxFrameBytes) {
        frames.push({ kind: "too-large", head: this.#head(chunk.subarray(start, end)) });
        this.#reset();
        this.#discarding = newline === -1;
      } else if (newline === -1) {
        this.#pending.push(chunk.slice(start, end));
        this.#pendingBytes += end - start;
      } else {
        const frame = this.#take(chunk.subarray(start, end));
        if (frame !== undefined) frames.push(frame);
      }
      if (newline === -1) break;
      start = newline + 1;
    }
    return frames;
  }

  /** Bytes held for an unfinished frame (never more than the cap). */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  #take(last: Uint8Array): Frame | undefined {
    const bytes = this.#join(last);
    this.#reset();
    let text: string;
    try {
      text = this.#decoder.decode(bytes);
    } catch {
      return { kind: "invalid-utf8" };
    }
    if (text.endsWith("\r")) text = text.slice(0, -1);
    return text.trim() === "" ? undefined : { kind: "frame", text };
  }

  #head(last: Uint8Array): string {
    const head = new Uint8Array(HEAD_BYTES);
    let filled = 0;
    for (const part of [...this.#pending, last]) {
      if (filled === HEAD_BYTES) break;
      const piece = part.subarray(0, HEAD_BYTES - filled);
      head.set(piece, filled);
      filled += piece.length;
    }
    return new TextDecoder().decode(head.subarray(0, filled));
  }

  #join(last: Uint8Array): Uint8Array {
    if (this.#pending.length === 0) return last;
    const bytes = new Uint8Array(this.#pendingBytes + last.length);
    let offset = 0;
    for (const part of this.#pending) {
      bytes.set(part, offset);
      offset += part.length;
    }
    bytes.set(last, offset);
    return bytes;
  }

  #reset(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
  }
}

/** Writes every byte of `bytes` to `writer` (a single `write` may write fewer). */
export async function writeAll(
  writer: { write(bytes: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await writer.write(bytes.subarray(done));
}

/** Bytes gathered into one write at most (a single larger frame is still written whole). */
const BATCH_BYTES = 256 * 1024;

interface QueuedWrite {
  readonly bytes: Uint8Array;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Serializes writes to one connection and gathers frames queued meanwhile into one write, so
 * many replies finishing together cost one system call instead of one each. */
export class FrameWriter {
  readonly #writer: { write(bytes: Uint8Array): Promise<number> };
  #queue: QueuedWrite[] = [];
  #flushing = false;

  /** Writes to `writer`. */
  constructor(writer: { write(bytes: Uint8Array): Promise<number> }) {
    this.#writer = writer;
  }

  /** Queues `bytes`; resolves once they are written, rejects if the write fails. */
  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ bytes, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#queue.length > 0) {
      let size = 0;
      let count = 0;
      while (count < this.#queue.length && (count === 0 || size < BATCH_BYTES)) {
        size += this.#queue[count]!.bytes.length;
        count++;
      }
      const batch = this.#queue.splice(0, count);
      try {
        await writeAll(this.#writer, concat(batch.map((w) => w.bytes), size));
        for (const w of batch) w.resolve();
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    this.#flushing = false;
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}
