import assert from "node:assert/strict";
import { ToolError } from "../../lib/errors.ts";
import { formatToolResult, summarizeContentItem } from "../../lib/client/format.ts";
import { toToolResult } from "../../lib/client/result.ts";
import { StderrRing } from "../../lib/client/_stderr_ring.ts";
import { editDistance, nearestName } from "../../lib/client/_suggest.ts";
import { parseKeyValues } from "../../lib/cli/call.ts";

Deno.test("toToolResult() computes value and keeps every field", async (t) => {
  await t.step("structuredContent wins", () => {
    const result = toToolResult("s", "t", {
      content: [{ type: "text", text: "{}" }],
      structuredContent: { a: 1 },
      _meta: { k: "v" },
    });
    assert.deepEqual(result.value, { a: 1 });
    assert.deepEqual(result.meta, { k: "v" });
    assert.equal(result.content.length, 1);
  });
  await t.step("a lone JSON text item is parsed", () => {
    assert.deepEqual(toToolResult("s", "t", { content: [{ type: "text", text: "[1,2]" }] }).value, [
      1,
      2,
    ]);
  });
  await t.step("a lone non-JSON text item stays text", () => {
    assert.equal(toToolResult("s", "t", { content: [{ type: "text", text: "hi" }] }).value, "hi");
  });
  await t.step("several text items are joined", () => {
    const result = toToolResult("s", "t", {
      content: [{ type: "text", text: "a" }, { type: "image", data: "", mimeType: "image/png" }, {
        type: "text",
        text: "b",
      }],
    });
    assert.equal(result.value, "a\nb");
    assert.equal(result.content.length, 3);
    assert.equal("structuredContent" in result, false);
  });
  await t.step("isError throws ToolError", () => {
    assert.throws(
      () => toToolResult("s", "t", { isError: true, content: [{ type: "text", text: "boom" }] }),
      (error: unknown) => error instanceof ToolError && /boom/.test(error.message),
    );
  });
});

Deno.test("formatToolResult() prints value and summarizes non-text items", () => {
  assert.equal(formatToolResult({ value: "5", content: [] }), "5\n");
  assert.equal(formatToolResult({ value: undefined, content: [] }), "");
  assert.equal(
    formatToolResult({
      value: { a: 1 },
      content: [{ type: "audio", mimeType: "audio/wav", data: "AAAA" }],
    }),
    '{\n  "a": 1\n}\n[audio/wav, 3 bytes]\n',
  );
  assert.equal(
    summarizeContentItem({
      type: "resource",
      resource: { uri: "file:///a.txt", mimeType: "text/plain", text: "hello" },
    }),
    "[resource file:///a.txt (text/plain, 5 bytes of text)]",
  );
  assert.equal(
    summarizeContentItem({ type: "resource_link", uri: "file:///b.txt", name: "b" }),
    "[resource_link file:///b.txt]",
  );
});

Deno.test("parseKeyValues() parses values as JSON when they parse", () => {
  assert.deepEqual(
    parseKeyValues(["a=2", 's="2"', "t=true", "l=[1,2]", "name=Ada", "eq=x=y", "empty="]),
    { a: 2, s: "2", t: true, l: [1, 2], name: "Ada", eq: "x=y", empty: "" },
  );
  assert.throws(() => parseKeyValues(["novalue"]), /expected key=value/);
  assert.throws(() => parseKeyValues(["=1"]), /expected key=value/);
});

Deno.test("StderrRing keeps only the last bytes", () => {
  const ring = new StderrRing(8);
  const encode = (text: string) => new TextEncoder().encode(text);
  ring.push(encode("line one\n"));
  ring.push(encode("two\nthree\n"));
  assert.equal(ring.text(), "o\nthree\n");
  assert.equal(ring.tail(), "o | three");
  ring.push(encode("a much longer chunk\n"));
  assert.equal(ring.text(), "r chunk\n");
  assert.throws(() => new StderrRing(0), RangeError);
});

Deno.test("nearestName() suggests close names only", () => {
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(nearestName("get_sum", ["get-sum", "echo"]), "get-sum");
  assert.equal(nearestName("ECOH", ["echo", "get-sum"]), "echo");
  assert.equal(nearestName("zzzzzzzz", ["echo", "get-sum"]), undefined);
});
