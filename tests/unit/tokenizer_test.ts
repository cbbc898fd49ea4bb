import assert from "node:assert/strict";
import { countTokens, countTokensFast, EXACT_LIMIT } from "../../lib/tokens/count.ts";
import { openTokenizer } from "../../lib/tokens/tokenizer.ts";

// This process has count.ts loaded (imported above) but never called keepTokenizerLoaded(), so
// openTokenizer() takes the Worker path, as a one-shot `mcpx exec` does.

Deno.test("a run's tokenizer counts in its Worker exactly what the tokenizer counts here", async () => {
  const texts = ["hello world", "", "x".repeat(EXACT_LIMIT + 5), '{"a": [1, 2, 3]}'];
  using tokenizer = openTokenizer();
  const counted = await tokenizer.count(texts);
  assert.deepEqual(counted, texts.map(countTokensFast));
  assert.equal(counted[0]!.tokens, countTokens("hello world"));
  assert.equal(counted[2]!.sampled, true);
});

Deno.test("empty texts are counted as zero without loading anything", async () => {
  const tokenizer = openTokenizer();
  const counted = await tokenizer.count(["", ""]);
  assert.deepEqual(counted, [{ tokens: 0, sampled: false }, { tokens: 0, sampled: false }]);
  tokenizer.close();
  tokenizer.close();
});

Deno.test("a tokenizer closed before counting loads again when asked to count", async () => {
  const tokenizer = openTokenizer();
  tokenizer.close();
  const [counted] = await tokenizer.count(["three little words"]);
  assert.equal(counted!.tokens, countTokens("three little words"));
});
