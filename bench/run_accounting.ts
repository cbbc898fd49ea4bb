/**
 * What per-run accounting and the privacy filter cost after a run: counting the tool results
 * (exact up to 200 000 characters, sampled above) and masking a text of personal records.
 * Run: deno run -A bench/run_accounting.ts
 *
 * @module
 */
import { TokenMeter } from "../lib/tokens/run_tokens.ts";
import { PrivacyFilter } from "../lib/privacy/filter.ts";
import { Vault } from "../lib/privacy/vault.ts";
import { countTokens } from "../lib/tokens/count.ts";
import { PRIVACY_OFF } from "../lib/config/privacy_schema.ts";
import { keepTokenizerLoaded } from "../lib/tokens/tokenizer.ts";

// The counting itself is measured, not the tokenizer's loading.
await keepTokenizerLoaded();
const rec = (i: number) =>
  JSON.stringify({
    id: i,
    name: `Person ${i}`,
    email: `p${i}@example.com`,
    phone: "+44 20 7946 0958",
    note: "lorem ipsum dolor sit amet ".repeat(4),
  });
for (const size of [10_000, 200_000, 1_000_000, 5_000_000]) {
  const records: string[] = [];
  let n = 0;
  let len = 0;
  while (len < size) {
    const r = rec(n++);
    records.push(r);
    len += r.length + 1;
  }
  const text = records.join("\n");
  const meter = new TokenMeter();
  meter.add({ value: null, content: [{ type: "text", text }] });
  let t = performance.now();
  const tok = await meter.account("short output");
  const countMs = performance.now() - t;
  const filter = new PrivacyFilter(new Vault(), { ...PRIVACY_OFF, enabled: true });
  t = performance.now();
  filter.mask(text);
  const maskMs = performance.now() - t;
  const exact = size <= 1_000_000 ? countTokens(text) : undefined;
  const error = exact === undefined
    ? ""
    : `, exact ${exact}, sampling error ${(100 * (tok.toolResults - exact) / exact).toFixed(2)} %`;
  console.log(
    `${size} chars: count ${countMs.toFixed(1)} ms (${tok.toolResults} tokens${
      tok.sampled ? ", sampled" : ""
    }), mask ${maskMs.toFixed(1)} ms${error}`,
  );
}
