/**
 * Per-run token accounting: the tokens of every tool result that stayed in the sandbox versus the
 * tokens of what the model received. Counting happens after the run (results are only kept as
 * references while it runs), and above {@linkcode EXACT_LIMIT} characters it samples.
 *
 * @module
 */
import type { ToolResult } from "../client/types.ts";
import { countTokens, TOKENIZER } from "./count.ts";

/** A run's accounting, as reported by `mcpx exec --json`, serve and the runs file. */
export interface RunTokens {
  /** Tokens of all tool results the run's code received (they stayed in the sandbox). */
  readonly toolResults: number;
  /** Tokens of what the model received (the masked output). */
  readonly output: number;
  /** `toolResults - output` (negative when the output is larger than the results). */
  readonly saved: number;
  /** The tokenizer, as named by `mcpx tokens`. */
  readonly tokenizer: string;
  /** Present when the counts were extrapolated from samples of a large text. */
  readonly sampled?: true;
}

/** Characters counted exactly; larger texts are sampled. */
export const EXACT_LIMIT = 200_000;
const SAMPLES = 20;

/**
 * Tokens of `text`, exact up to {@linkcode EXACT_LIMIT} characters, else estimated from 20
 * evenly spaced slices (10 000 characters each) scaled to the whole length.
 */
export function countTokensFast(text: string): { tokens: number; sampled: boolean } {
  if (text.length <= EXACT_LIMIT) return { tokens: countTokens(text), sampled: false };
  const size = Math.floor(EXACT_LIMIT / SAMPLES);
  const step = Math.floor((text.length - size) / (SAMPLES - 1));
  let tokens = 0;
  for (let i = 0; i < SAMPLES; i++) tokens += countTokens(text.slice(i * step, i * step + size));
  return { tokens: Math.round(tokens * text.length / (size * SAMPLES)), sampled: true };
}

/** The text a tool-calling model would have received for a result: its content items. */
export function resultText(result: ToolResult): string {
  if (result.content.length === 0) {
    return result.structuredContent === undefined ? "" : JSON.stringify(result.structuredContent);
  }
  return result.content.map((item) =>
    item.type === "text" && typeof item.text === "string" ? item.text : JSON.stringify(item)
  ).join("\n");
}

/** Collects a run's tool results; {@linkcode TokenMeter.account} counts after the run. */
export class TokenMeter {
  readonly #results: ToolResult[] = [];

  /** Keeps a reference to one result (no work during the run). */
  add(result: ToolResult): void {
    this.#results.push(result);
  }

  /** The number of results recorded. */
  get calls(): number {
    return this.#results.length;
  }

  /**
   * Counts the results and `output` (what the model received).
   *
   * @example
   * ```ts
   * import { TokenMeter } from "./run_tokens.ts";
   * const meter = new TokenMeter();
   * meter.add({ value: "x", content: [{ type: "text", text: "hello world ".repeat(50) }] });
   * const tokens = meter.account("3 words");
   * console.assert(tokens.toolResults > tokens.output && tokens.saved > 0);
   * ```
   */
  account(output: string): RunTokens {
    const results = countTokensFast(this.#results.map(resultText).join("\n"));
    const out = countTokensFast(output);
    return {
      toolResults: results.tokens,
      output: out.tokens,
      saved: results.tokens - out.tokens,
      tokenizer: TOKENIZER,
      ...(results.sampled || out.sampled ? { sampled: true as const } : {}),
    };
  }
}
