/**
 * Per-run token accounting: the tokens of every tool result that stayed in the sandbox versus the
 * tokens of what the model received. Counting happens after the run (results are only kept as
 * references while it runs), through a {@linkcode RunTokenizer} (`tokenizer.ts`), and above
 * 200 000 characters it samples.
 *
 * @module
 */
import type { ToolResult } from "../client/types.ts";
import { openTokenizer, type RunTokenizer, TOKENIZER } from "./tokenizer.ts";

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
   * Counts the results and `output` (what the model received) with `tokenizer` (one opened
   * here, and closed, when absent).
   *
   * @example
   * ```ts
   * import { TokenMeter } from "./run_tokens.ts";
   * const meter = new TokenMeter();
   * meter.add({ value: "x", content: [{ type: "text", text: "hello world ".repeat(50) }] });
   * const tokens = await meter.account("3 words");
   * console.assert(tokens.toolResults > tokens.output && tokens.saved > 0);
   * ```
   */
  async account(output: string, tokenizer?: RunTokenizer): Promise<RunTokens> {
    const own = tokenizer === undefined ? openTokenizer() : undefined;
    try {
      const [results, out] = await (tokenizer ?? own!).count([
        this.#results.map(resultText).join("\n"),
        output,
      ]);
      return {
        toolResults: results!.tokens,
        output: out!.tokens,
        saved: results!.tokens - out!.tokens,
        tokenizer: TOKENIZER,
        ...(results!.sampled || out!.sampled ? { sampled: true as const } : {}),
      };
    } finally {
      own?.close();
    }
  }
}
