/**
 * Token counting with a real tokenizer. Claude's tokenizer is not public, so counts use
 * OpenAI's `o200k_base` encoding from the `gpt-tokenizer` npm package: an approximation for
 * Claude models, but a measured one, and the same for every row, so ratios are meaningful.
 *
 * Loading the encoding costs ~80 ms: a command that counts one run loads it through
 * {@linkcode openTokenizer} (`tokenizer.ts`), in a Worker that overlaps the run.
 *
 * @module
 */
import { countTokens as countO200k } from "gpt-tokenizer";
import type { Counted } from "./tokenizer.ts";

/**
 * Counts the tokens of `text`.
 *
 * @example
 * ```ts
 * import { countTokens } from "./count.ts";
 * console.assert(countTokens("hello world") === 2);
 * ```
 */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : countO200k(text);
}

/** Characters counted exactly; larger texts are sampled. */
export const EXACT_LIMIT = 200_000;
const SAMPLES = 20;

/**
 * Tokens of `text`, exact up to {@linkcode EXACT_LIMIT} characters, else estimated from 20
 * evenly spaced slices (10 000 characters each) scaled to the whole length.
 */
export function countTokensFast(text: string): Counted {
  if (text.length <= EXACT_LIMIT) return { tokens: countTokens(text), sampled: false };
  const size = Math.floor(EXACT_LIMIT / SAMPLES);
  const step = Math.floor((text.length - size) / (SAMPLES - 1));
  let tokens = 0;
  for (let i = 0; i < SAMPLES; i++) tokens += countTokens(text.slice(i * step, i * step + size));
  return { tokens: Math.round(tokens * text.length / (size * SAMPLES)), sampled: true };
}
