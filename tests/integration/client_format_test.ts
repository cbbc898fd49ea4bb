import assert from "node:assert/strict";
import { ToolError } from "../../lib/errors.ts";
import { formatToolResult, summarizeContentItem } from "../../lib/client/format.ts";
import { toToolResult } from "../../lib/client/result.ts";
import { StderrRing } from "../../lib/client/_stderr_ring.ts";
import { editDistance, nearestName } from "../../lib/client/_suggest.ts";
import { coerceArguments, coerceValue, readKeyValues } from "../../lib/cli/_tool_args.ts";

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

Deno.test("call arguments are typed by the tool's input schema", async (t) => {
  const schema = {
    type: "object",
    properties: {
      message: { type: "string" },
      count: { type: "integer" },
      ratio: { type: "number" },
      flag: { type: "boolean" },
      tags: { type: "array", items: { type: "string" } },
      ids: { type: "array", items: { type: "number" } },
      opts: { type: "object" },
      either: { anyOf: [{ type: "number" }, { type: "null" }] },
    },
  };
  await t.step("values follow the schema, not the look of the text", async () => {
    const pairs = await readKeyValues([
      "message=123",
      "count=7",
      "ratio=0.5",
      "flag=false",
      "tags=a,b",
      "ids=[1,2]",
      'opts={"k":1}',
      "either=null",
    ], ".");
    assert.deepEqual(coerceArguments(pairs, schema, { tool: "s.t" }), {
      args: {
        message: "123",
        count: 7,
        ratio: 0.5,
        flag: false,
        tags: ["a", "b"],
        ids: [1, 2],
        opts: { k: 1 },
        either: null,
      },
      warnings: [],
    });
  });
  await t.step("without a schema a value is JSON when it parses, else text", async () => {
    const pairs = await readKeyValues(["a=2", 's="2"', "name=Ada", "eq=x=y", "empty="], ".");
    assert.deepEqual(coerceArguments(pairs, undefined, { tool: "s.t" }).args, {
      a: 2,
      s: "2",
      name: "Ada",
      eq: "x=y",
      empty: "",
    });
  });
  await t.step("a value that does not fit stays text for the server to refuse", () => {
    assert.equal(coerceValue("seven", { type: "integer" }), "seven");
    assert.equal(coerceValue("1.5", { type: "integer" }), "1.5");
  });
  await t.step("--args values are kept as typed; key=value overrides them", async () => {
    const pairs = await readKeyValues(["count=3"], ".");
    assert.deepEqual(
      coerceArguments(pairs, schema, { tool: "s.t", base: { message: 5, count: 1 } }).args,
      { message: 5, count: 3 },
    );
  });
  await t.step("an undeclared argument is a warning with did-you-mean", async () => {
    const pairs = await readKeyValues(["mesage=hi"], ".");
    const { warnings } = coerceArguments(pairs, schema, { tool: "s.t" });
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]!,
      /^tool "s\.t" does not declare argument "mesage"; sent anyway\. Did you mean "message"\?/,
    );
  });
  await t.step("key=@file reads the file; key=@@x is the text @x", async () => {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/body.txt`, "from a file\n");
      assert.deepEqual(await readKeyValues(["m=@body.txt", "n=@@x"], dir), [
        { key: "m", text: "from a file\n" },
        { key: "n", text: "@x" },
      ]);
      await assert.rejects(readKeyValues(["m=@missing.txt"], dir), /cannot read m=@missing\.txt/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
  await t.step("malformed words are usage errors", async () => {
    await assert.rejects(readKeyValues(["novalue"], "."), /expected key=value/);
    await assert.rejects(readKeyValues(["=1"], "."), /expected key=value/);
  });
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
