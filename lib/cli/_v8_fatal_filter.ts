/**
 * Condenses V8's fatal-error report in a skill's stderr. A heap OOM makes V8 print ~14 lines
 * (GC traces, a C stack trace) that say nothing a user can act on; the sandbox already adds one
 * `[mcpx: the skill ran out of memory …]` line naming the cap and the fix. Without `--verbose`,
 * `mcpx exec` drops the V8 report and keeps that line.
 *
 * @module
 */

/** Lines that start V8's fatal report; everything after them is V8's (the process is dying). */
const V8_FATAL_START = /^(<--- Last few GCs --->|# Fatal (JavaScript|error|process OOM))/;
/** Lines V8 prints just before the start: held back until the next line decides. */
const MAYBE_PREFIX = /^#?\s*$/;

/** A line filter over a stream of text chunks; call `end()` when the stream ends. */
export class V8FatalFilter {
  readonly #emit: (text: string) => void;
  #partial = "";
  #held: string[] = [];
  #inReport = false;

  /** Creates a filter that passes what it keeps to `emit`. */
  constructor(emit: (text: string) => void) {
    this.#emit = emit;
  }

  /** Feeds a chunk of text; whole lines are passed on (or dropped) as they complete. */
  push(text: string): void {
    const lines = (this.#partial + text).split("\n");
    this.#partial = lines.pop()!;
    for (const line of lines) this.#line(line);
  }

  /** Passes on what is left (a last line without a newline). */
  end(): void {
    if (this.#partial !== "") this.#line(this.#partial, false);
    this.#partial = "";
    if (!this.#inReport) this.#flushHeld();
  }

  #line(line: string, newline = true): void {
    const text = newline ? `${line}\n` : line;
    if (this.#inReport) {
      // mcpx's own notices (the memory cap and its fix) still get through.
      if (line.startsWith("[mcpx:")) this.#emit(text);
      return;
    }
    if (V8_FATAL_START.test(line)) {
      this.#inReport = true;
      this.#held = [];
      return;
    }
    if (MAYBE_PREFIX.test(line)) {
      this.#held.push(text);
      return;
    }
    this.#flushHeld();
    this.#emit(text);
  }

  #flushHeld(): void {
    if (this.#held.length > 0) this.#emit(this.#held.join(""));
    this.#held = [];
  }
}
