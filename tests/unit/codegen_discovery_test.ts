import assert from "node:assert/strict";
import { checkValue } from "../../lib/codegen/check_value.ts";
import { parseDiscoveryConfig } from "../../lib/codegen/discovery_config.ts";
import {
  classifyTool,
  draftDiscoveryConfig,
  synthesizeArguments,
  trialDraft,
} from "../../lib/codegen/draft.ts";
import { inferTypes } from "../../lib/codegen/infer_types.ts";
import type { ConfigError } from "../../lib/errors.ts";
import { NASTY_TOOLS } from "../fixtures/codegen/nasty_tools.ts";

Deno.test("parseDiscoveryConfig() reads both formats and names bad paths", async (t) => {
  await t.step("servers/safeTools with one object or a list", () => {
    const config = parseDiscoveryConfig({
      servers: { s: { safeTools: { a: { x: 1 }, b: [{ y: 1 }, { y: 2 }] }, skipped: {} } },
    });
    assert.deepEqual(config.servers.s, { a: [{ x: 1 }], b: [{ y: 1 }, { y: 2 }] });
  });
  await t.step("the reference system's flat server__tool form", () => {
    const config = parseDiscoveryConfig({ ado__get_item: { id: 1 } });
    assert.deepEqual(config.servers.ado, { get_item: [{ id: 1 }] });
  });
  await t.step("errors name the file and the JSON path", () => {
    assert.throws(
      () => parseDiscoveryConfig({ servers: { s: { safeTools: { a: [1] } } } }, "d.json"),
      (error: ConfigError) => {
        assert.equal(error.code, "CONFIG_INVALID");
        assert.match(
          error.message,
          /^d\.json: \$\.servers\.s\.safeTools\.a\[0\]: expected an object/,
        );
        return true;
      },
    );
  });
});

Deno.test("classifyTool() sorts tools into safe, dangerous and unknown", () => {
  const tool = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    inputSchema: {},
    ...extra,
  });
  assert.equal(classifyTool(tool("read_text_file")), "safe");
  assert.equal(classifyTool(tool("listDirectory")), "safe");
  assert.equal(classifyTool(tool("delete_entities")), "dangerous");
  assert.equal(classifyTool(tool("write_file")), "dangerous");
  assert.equal(classifyTool(tool("frobnicate")), "unknown");
  assert.equal(classifyTool(tool("frobnicate", { annotations: { readOnlyHint: true } })), "safe");
  assert.equal(
    classifyTool(tool("get_thing", { annotations: { destructiveHint: true } })),
    "dangerous",
  );
  assert.equal(
    classifyTool(tool("get_or_purge", { description: "Gets it, then deletes it." })),
    "dangerous",
  );
});

Deno.test("synthesizeArguments() builds minimal valid arguments from a schema", () => {
  const args = synthesizeArguments({
    type: "object",
    required: ["text", "n", "mode", "flag", "list", "nested", "path", "withDefault", "ex"],
    properties: {
      text: { type: "string", minLength: 3 },
      n: { type: "integer", minimum: 2.5 },
      mode: { enum: ["a", "b"] },
      flag: { type: "boolean" },
      list: { type: "array", items: { type: "number" }, minItems: 2 },
      nested: { type: "object", properties: { x: { type: "string" }, y: {} }, required: ["x"] },
      path: { type: "string" },
      withDefault: { type: "number", default: 7 },
      ex: { type: "string", examples: ["sample"] },
      optional: { type: "string" },
    },
  });
  assert.deepEqual(args, {
    text: "aaa",
    n: 3,
    mode: "a",
    flag: false,
    list: [1, 1],
    nested: { x: "example" },
    path: ".",
    withDefault: 7,
    ex: "sample",
  });
});

Deno.test("draftDiscoveryConfig() lists only safe tools and never dangerous ones", () => {
  const draft = draftDiscoveryConfig({ nasty: NASTY_TOOLS });
  const server = draft.servers.nasty;
  assert.ok(server);
  assert.deepEqual(Object.keys(server.safeTools), ["echo-args", "get-item", "get_item"]);
  assert.deepEqual(server.safeTools["get-item"], { id: "example" });
  assert.ok(server.skipped.dangerous.includes("delete-everything"));
  assert.ok(server.skipped.unknown.includes("kitchen-sink"));
  assert.deepEqual(parseDiscoveryConfig(draft).servers.nasty?.["echo-args"], [{}]);
});

Deno.test("inferTypes() infers one type from all samples with quicktype", async (t) => {
  const { typescript, schemas } = await inferTypes([
    { typeName: "ItemDiscovered", samples: [{ id: 1, name: "a" }, { id: 2, tags: ["x"] }] },
    { typeName: "TextDiscovered", samples: ["hello", "world"] },
    { typeName: "TwinDiscovered", samples: [{ id: 3, name: "b" }, { id: 4, tags: ["y"] }] },
  ]);
  await t.step("fields missing from some samples become optional", () => {
    assert.match(typescript, /export interface (Item|Twin)Discovered \{[^}]*id: +number;/s);
    assert.match(typescript, /name\?: +string;/);
    assert.match(typescript, /tags\?: +string\[\];/);
  });
  await t.step("primitive and structurally identical types are still exported", () => {
    assert.match(typescript, /export type TextDiscovered = string;/);
    assert.match(
      typescript,
      /export type (TwinDiscovered = ItemDiscovered|ItemDiscovered = TwinDiscovered);/,
    );
  });
  await t.step("the JSON Schema of each type is kept for drift checks", () => {
    const schema = schemas.ItemDiscovered;
    assert.ok(schema !== undefined);
    assert.deepEqual(checkValue(schema, { id: 5 }), []);
    assert.deepEqual(checkValue(schema, { id: "5", extra: true }), [
      "$.id: expected integer, got string",
      "$.extra: new field, not in any sample",
    ]);
    assert.deepEqual(checkValue(schema, { name: "x" }), ["$.id: missing (every sample had it)"]);
  });
});

Deno.test("trialDraft() keeps calls that work and moves failing ones, with their error", async () => {
  const draft = {
    servers: {
      fs: {
        safeTools: { list: { path: "." }, read: { path: "." } } as Record<
          string,
          Record<string, unknown>
        >,
        skipped: { dangerous: ["write"], unknown: [] as string[] },
      },
    },
  };
  const called: string[] = [];
  const lines: string[] = [];
  await trialDraft(draft, {
    callTool(server, tool) {
      called.push(`${server}.${tool}`);
      if (tool === "read") return Promise.reject(new Error("EISDIR: illegal operation\nmore"));
      return Promise.resolve({ value: [], content: [] });
    },
  }, { onResult: (line) => lines.push(line) });
  assert.deepEqual(called, ["fs.list", "fs.read"]);
  assert.deepEqual(Object.keys(draft.servers.fs.safeTools), ["list"]);
  assert.deepEqual((draft.servers.fs.skipped as { failed?: unknown }).failed, {
    read: { arguments: { path: "." }, error: "EISDIR: illegal operation" },
  });
  assert.deepEqual(lines, ["fs.list: ok", "fs.read: left out (EISDIR: illegal operation)"]);
});
