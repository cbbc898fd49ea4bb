import assert from "node:assert/strict";
import { countTokens } from "../../lib/tokens/count.ts";
import { buildTokenReport, formatTokenReport } from "../../lib/tokens/report.ts";

Deno.test("countTokens() counts with a real BPE tokenizer, not characters or words", () => {
  assert.equal(countTokens(""), 0);
  assert.equal(countTokens("hello world"), 2);
  // A long rare word splits into several tokens; a repeated common word does not inflate.
  assert.ok(countTokens("antidisestablishmentarianism") > 1);
  assert.ok(countTokens("the ".repeat(100)) <= 101);
});

Deno.test("buildTokenReport() compares every row with the first", async (t) => {
  const report = buildTokenReport([
    {
      label: "all tool definitions",
      text: JSON.stringify({ tools: Array(50).fill({ name: "x", description: "does a thing" }) }),
    },
    { label: "servers/README.md", text: "- everything.echo(message): echoes" },
    { label: "unavailable", text: undefined, missing: "run mcpx generate" },
  ]);
  await t.step("the baseline has no reduction", () => {
    assert.equal(report.rows[0]!.reductionPercent, undefined);
    assert.ok(report.rows[0]!.tokens! > 100);
  });
  await t.step("a smaller source shows its saving", () => {
    const row = report.rows[1]!;
    const expected = Math.round((1 - row.tokens! / report.rows[0]!.tokens!) * 1000) / 10;
    assert.equal(row.reductionPercent, expected);
    assert.ok(row.reductionPercent! > 90);
  });
  await t.step("an unavailable source says why instead of inventing a number", () => {
    const row = report.rows[2]!;
    assert.equal(row.tokens, undefined);
    const text = formatTokenReport(report);
    assert.match(text, /\| unavailable +\| +n\/a \| +n\/a \| +n\/a \(run mcpx generate\) \|/);
    assert.match(text, /Tokenizer: gpt-tokenizer 4\.0\.0 \(o200k_base\)\. .*approximations/);
  });
});

Deno.test("formatTokenReport() with markdown right-aligns the number columns", () => {
  const text = formatTokenReport(buildTokenReport([{ label: "a", text: "hello world" }]), {
    markdown: true,
  });
  const rule = text.split("\n")[1]!;
  assert.match(rule, /^\|-+\|-+:\|-+:\|-+:\|$/);
});
