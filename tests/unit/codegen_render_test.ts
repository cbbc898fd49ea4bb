import assert from "node:assert/strict";
import { join } from "node:path";
import { assignToolNames, toCamelCase, toPascalCase } from "../../lib/codegen/names.ts";
import { renderServer } from "../../lib/codegen/render_server.ts";
import { RUNTIME_SOURCE } from "../../lib/codegen/render_runtime.ts";
import { NASTY_TOOLS as SERVED, UNIT_ONLY_TOOLS } from "../fixtures/codegen/nasty_tools.ts";

const NASTY_TOOLS = [...SERVED, ...UNIT_ONLY_TOOLS];
import { assertGolden, writeProject } from "../fixtures/codegen/helpers.ts";

Deno.test("assignToolNames() makes valid, unique, order-independent names", async (t) => {
  await t.step("dashes, dots, spaces and leading digits", () => {
    assert.equal(toCamelCase("get-tiny_image.v2"), "getTinyImageV2");
    assert.equal(toPascalCase("3d.render scene"), "Tool3dRenderScene");
    assert.equal(toCamelCase("日本語"), "tool");
    assert.equal(toCamelCase("readHTTPResponse"), "readHTTPResponse");
  });
  await t.step("reserved words and generated file names get a suffix", () => {
    const names = assignToolNames(["class", "z", "index", "callTool"]);
    assert.deepEqual(names.map((n) => [n.fn, n.file]), [
      ["callToolTool", "call_tool"],
      ["classTool", "class"],
      ["index", "index_tool"],
      ["zTool", "z"],
    ]);
  });
  await t.step("collisions get deterministic numeric suffixes", () => {
    const a = assignToolNames(["get_item", "get-item", "GetItem"]);
    const b = assignToolNames(["GetItem", "get-item", "get_item"]);
    assert.deepEqual(a, b);
    assert.deepEqual(a.map((n) => n.fn), ["getItem", "getItem2", "getItem3"]);
    assert.deepEqual(a.map((n) => n.file), ["get_item", "get_item_2", "get_item_3"]);
  });
  await t.step("a function name never equals another tool's derived export", () => {
    const names = assignToolNames(["foo", "foo-input-schema"]);
    const exported = names.flatMap((n) => [n.fn, `${n.type}Input`, `${n.fn}InputSchema`]);
    assert.equal(new Set(exported).size, exported.length);
  });
});

Deno.test("renderServer() output for nasty schemas matches the golden files", async () => {
  const files = renderServer({ server: "nasty", tools: NASTY_TOOLS });
  const reversed = renderServer({ server: "nasty", tools: [...NASTY_TOOLS].reverse() });
  assert.deepEqual([...reversed], [...files], "output must not depend on the listing order");
  for (const [rel, text] of files) await assertGolden(rel, text);
});

Deno.test("a server with no tools gets an empty barrel and README", async () => {
  const files = renderServer({ server: "empty", tools: [] });
  assert.deepEqual([...files.keys()], ["empty/index.ts", "empty/README.md"]);
  for (const [rel, text] of files) await assertGolden(rel, text);
});

Deno.test("generated code for nasty schemas passes deno check and deno lint", async () => {
  const dir = await writeProject(
    new Map([
      ...renderServer({ server: "nasty", tools: NASTY_TOOLS }),
      ...renderServer({ server: "empty", tools: [] }),
    ]),
  );
  try {
    for (const args of [["check", "."], ["lint", "."]]) {
      const out = await new Deno.Command(Deno.execPath(), { args, cwd: dir }).output();
      const text = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, `deno ${args[0]} failed:\n${text}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("generated wrappers validate input before calling, naming the field", async (t) => {
  const dir = await writeProject(renderServer({ server: "nasty", tools: NASTY_TOOLS }));
  try {
    const sink = await import(join(dir, "nasty", "kitchen_sink.ts"));
    const valid = { mode: "fast", tree: { name: "root", children: [] }, "with space": true };
    await t.step("the zod schema accepts valid input, recursive refs included", () => {
      assert.equal(sink.kitchenSinkInputSchema.safeParse(valid).success, true);
      const deep = { ...valid, self: valid, tree: { name: "a", children: [{ name: "b" }] } };
      assert.equal(sink.kitchenSinkInputSchema.safeParse(deep).success, true);
    });
    await t.step("invalid input rejects with the path of the field, before any call", async () => {
      const bad = { ...valid, tree: { name: "a", children: [{ name: 1 }] }, count: 11 };
      await assert.rejects(sink.kitchenSink(bad), (error: Error & { code?: string }) => {
        assert.equal(error.code, "INVALID_ARGUMENTS");
        assert.match(error.message, /input\.tree\.children\[0\]\.name/);
        assert.match(error.message, /input\.count/);
        return true;
      });
    });
    await t.step("unexpected keys are refused where additionalProperties is false", () => {
      const extra = { ...valid, tree: { name: "a", surprise: 1 } };
      assert.equal(sink.kitchenSinkInputSchema.safeParse(extra).success, false);
    });
    await t.step("valid input without an installed caller says how to install one", async () => {
      const slot = globalThis as Record<symbol, unknown>;
      const previous = slot[Symbol.for("mcpx.toolCaller")];
      delete slot[Symbol.for("mcpx.toolCaller")];
      try {
        await assert.rejects(sink.kitchenSink(valid), /mcpx exec.*install\(\)/s);
      } finally {
        if (previous !== undefined) slot[Symbol.for("mcpx.toolCaller")] = previous;
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a property named __proto__ does not break the generated schema", async () => {
  const dir = await writeProject(renderServer({ server: "nasty", tools: NASTY_TOOLS }));
  try {
    const mod = await import(join(dir, "nasty", "boolean_schemas.ts"));
    const schema = mod.booleanSchemasInputSchema;
    assert.equal(Object.getPrototypeOf(schema.shape), Object.prototype);
    assert.ok(Object.hasOwn(schema.shape, "__proto__"));
    assert.equal(schema.safeParse(JSON.parse('{"__proto__": "x", "anything": 1}')).success, true);
    assert.equal(schema.safeParse({ nothing: 1 }).success, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the runtime module depends on nothing but the global caller symbol", () => {
  assert.doesNotMatch(RUNTIME_SOURCE, /^import /m);
  assert.match(RUNTIME_SOURCE, /Symbol\.for\("mcpx\.toolCaller"\)/);
});
