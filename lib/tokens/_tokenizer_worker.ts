/**
 * The Worker behind {@linkcode openTokenizer} (`tokenizer.ts`): loads the tokenizer as soon as it
 * starts, answers one `{ texts }` message with `{ counts }` (or `{ error }`).
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { countTokensFast } from "./count.ts";

self.onmessage = (event: MessageEvent<{ texts: string[] }>) => {
  try {
    self.postMessage({ counts: event.data.texts.map(countTokensFast) });
  } catch (error) {
    self.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
