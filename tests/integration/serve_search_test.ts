/**
 * The pure parts of `mcpx serve`: search ranking over server-everything's real tool list, flag
 * conversion for `run_skill`, and snippet wrapping for `execute_code`.
 */
import assert from "node:assert/strict";
import { rankTools, tokenize, type ToolEntry } from "../../lib/serve/search.ts";
import { toFlags } from "../../lib/serve/_run_checks.ts";
import { McpClientManager } from "../../lib/client/manager.ts";
import { fixtureConfig } from "../fixtures/serve/_setup.ts";

Deno.test("rankTools() over server-everything's tools", async (t) => {
  await using manager = new McpClientManager({ config: await fixtureConfig() });
  const entries: ToolEntry[] = (await manager.listTools("everything"))
    .map((tool) => ({ server: "everything", tool }));
  const top = (query: string) => rankTools(entries, query, { limit: 3 }).map((h) => h.tool.name);

  await t.step("a word of the name beats a word of the description", () => {
    assert.equal(top("echo")[0], "echo");
    assert.equal(top("sum")[0], "get-sum");
  });

  await t.step("the exact name wins, also as server.tool", () => {
    assert.equal(top("get-tiny-image")[0], "get-tiny-image");
    assert.equal(top("everything.get-sum")[0], "get-sum");
  });

  await t.step("camelCase queries match dashed names", () => {
    assert.equal(top("getTinyImage")[0], "get-tiny-image");
  });

  await t.step("no match gives no hit; an empty query lists everything", () => {
    assert.deepEqual(top("zzzqqq"), []);
    assert.equal(rankTools(entries, "", { limit: 1000 }).length, entries.length);
  });

  await t.step("limit caps the hits", () => {
    assert.equal(rankTools(entries, "get", { limit: 2 }).length, 2);
  });
});

Deno.test("tokenize() splits camelCase, dashes, underscores and dots", () => {
  assert.deepEqual(tokenize("getTiny_image-v2.json"), ["get", "tiny", "image", "v2", "json"]);
});

Deno.test("toFlags() turns an object into the skill's CLI flags", () => {
  assert.deepEqual(
    toFlags({ maxLength: 100, raw: true, quiet: false, tag: ["a", "b"], skip: null, o: { k: 1 } }),
    ["--max-length=100", "--raw", "--quiet=false", "--tag=a", "--tag=b", '--o={"k":1}'],
  );
  assert.deepEqual(toFlags({ url: "-not-a-flag" }), ["--url=-not-a-flag"]);
});
