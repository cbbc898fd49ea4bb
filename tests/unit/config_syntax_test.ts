/**
 * Plain JSON is read without the JSONC and TOML parsers, to the same value and with the same
 * refusals; the parsers load only for a file that needs them.
 */
import assert from "node:assert/strict";
import { parseJsonc } from "../../lib/config/_syntax.ts";
import { ConfigError } from "../../lib/errors.ts";
import { ROOT } from "../helpers/paths.ts";

Deno.test("parseJsonc() reads plain JSON to the value the JSONC parser builds", async (t) => {
  const documents = [
    '{"mcpServers": {"a": {"command": "x", "args": ["-y", "\\u00e9\\n\\"q\\"", 1.5e3, -0, null]}}}',
    '[{"a": {"b": [{"c": {}}]}}, [], {}, true, false, "s"]',
    '\ufeff{"bom": 1}',
    '{"a": 1, "b": {"a": 2, "b": {"a": 3}}}',
  ];
  for (const text of documents) {
    await t.step(text, async () => {
      // A trailing comment sends the same document down the JSONC path.
      assert.deepEqual(
        await parseJsonc(text, "f.json"),
        await parseJsonc(`${text} // c`, "f.json"),
      );
    });
  }
  await t.step("a __proto__ key stays data", async () => {
    const value = await parseJsonc('{"__proto__": {"x": 1}}', "f.json") as object;
    assert.deepEqual(Object.getOwnPropertyDescriptor(value, "__proto__")?.value, { x: 1 });
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
  });
});

Deno.test("parseJsonc() refuses a key written twice in plain JSON, at any depth", async (t) => {
  const cases: [string, string][] = [
    ['{"a": 1, "a": 2}', 'f.json:1:10: "a" is defined twice'],
    ['[{"x": {"k": 1, "k": 1}}]', 'f.json:1:17: [0].x: "k" is defined twice'],
    ['{"a": "\\"a\\":", "a": 2}', 'f.json:1:17: "a" is defined twice'],
  ];
  for (const [text, start] of cases) {
    await t.step(text, async () => {
      const error = await parseJsonc(text, "f.json").then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof ConfigError, String(error));
      assert.ok(error.message.startsWith(start), error.message);
    });
  }
  await t.step("a colon inside a string value is not a key", async () => {
    assert.deepEqual(await parseJsonc('{"a": "b\\": c", "d": ":"}', "f.json"), {
      a: 'b": c',
      d: ":",
    });
  });
});

Deno.test("the JSONC and TOML parsers load only for a file that needs them", async () => {
  // A child whose import map points both parsers at modules that throw when loaded.
  const dir = await Deno.makeTempDir({ prefix: "mcpx_config_syntax_" });
  try {
    const config = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`));
    const trap = (name: string) =>
      `data:application/javascript,${encodeURIComponent(`throw new Error("${name} loaded");`)}`;
    config.imports["jsonc-parser"] = trap("jsonc-parser");
    config.imports["smol-toml"] = trap("smol-toml");
    delete config.workspace;
    await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify(config));
    const syntax = new URL("../../lib/config/_syntax.ts", import.meta.url).href;
    const script = `
      const { parseSyntax } = await import(${JSON.stringify(syntax)});
      const show = (p) => p.then((v) => JSON.stringify(v), (e) => e.message);
      console.log(await show(parseSyntax('{"a": [1, {"b": "c"}]}', "json", "f.json")));
      console.log(await show(parseSyntax('{"a": 1} // note', "json", "f.json")));
      console.log(await show(parseSyntax('a = 1', "toml", "f.toml")));
    `;
    await Deno.writeTextFile(`${dir}/main.js`, script);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "--no-lock", `--config=${dir}/deno.json`, `${dir}/main.js`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.deepEqual(new TextDecoder().decode(out.stdout).trim().split("\n"), [
      '{"a":[1,{"b":"c"}]}',
      "jsonc-parser loaded",
      "smol-toml loaded",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
