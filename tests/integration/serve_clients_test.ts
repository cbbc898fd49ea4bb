/**
 * `mcpx serve` against third-party MCP clients run by deno: the MCP Inspector's CLI (stdio and
 * HTTP) and the official conformance suite (the scenarios that apply to a server with tools only).
 */
import assert from "node:assert/strict";
import { CLI } from "../helpers/paths.ts";
import { join } from "../helpers/_node_path.ts";
import { FIXTURE_CONFIG } from "../fixtures/serve/_setup.ts";
import { startHttpServe } from "../fixtures/serve/_process.ts";

/** Pinned specifiers; `deno task prepare` (run by `deno task test`) caches them. */
const INSPECTOR_CLI = "npm:@modelcontextprotocol/inspector-cli@1.0.3/build/index.js";
const CONFORMANCE = "npm:@modelcontextprotocol/conformance@0.1.16";

/** Runs a deno subprocess to completion. */
async function run(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", ...args],
    cwd,
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    out: decoder.decode(output.stdout) + decoder.decode(output.stderr),
  };
}

/**
 * inspector-cli 1.0.3 reads its own package.json through `fs.existsSync("../package.json")`
 * relative to the CWD; outside node_modules that only holds when the CWD's parent has one.
 */
async function inspectorCwd(): Promise<{ path: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "mcpx_serve_inspector_" });
  await Deno.writeTextFile(join(dir, "package.json"), "{}");
  await Deno.mkdir(join(dir, "cwd"));
  return {
    path: join(dir, "cwd"),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("the MCP Inspector CLI lists and calls mcpx serve's tools over stdio", async () => {
  await using cwd = await inspectorCwd();
  const serve = [Deno.execPath(), "run", "-A", "--quiet", CLI, "serve", "--config", FIXTURE_CONFIG];
  const list = await run([INSPECTOR_CLI, ...serve, "--method", "tools/list"], cwd.path);
  assert.equal(list.code, 0, list.out);
  const names = JSON.parse(list.out).tools.map((t: { name: string }) => t.name);
  assert.ok(names.includes("search_tools") && names.includes("execute_code"), list.out);
  const call = await run([
    INSPECTOR_CLI,
    ...serve,
    "--method",
    "tools/call",
    "--tool-name",
    "search_tools",
    "--tool-arg",
    "query=get-sum",
    "detail=name",
    "limit=1",
  ], cwd.path);
  assert.equal(call.code, 0, call.out);
  assert.equal(JSON.parse(call.out).content[0].text, "everything.get-sum");
});

Deno.test("the MCP Inspector CLI and the conformance suite pass against mcpx serve --http", async (t) => {
  await using serve = await startHttpServe();

  await t.step("inspector-cli tools/list and tools/call over streamable HTTP", async () => {
    await using cwd = await inspectorCwd();
    const base = [INSPECTOR_CLI, serve.url, "--transport", "http"];
    const list = await run([...base, "--method", "tools/list"], cwd.path);
    assert.equal(list.code, 0, list.out);
    assert.equal(JSON.parse(list.out).tools.length, 6);
    const call = await run(
      [...base, "--method", "tools/call", "--tool-name", "list_skills"],
      cwd.path,
    );
    assert.equal(call.code, 0, call.out);
    assert.match(JSON.parse(call.out).content[0].text, /^add: /);
  });

  // Outside the project, so that running the suite leaves deno.lock alone.
  await using outside = await inspectorCwd();
  for (const scenario of ["server-initialize", "ping", "tools-list", "dns-rebinding-protection"]) {
    await t.step(`conformance scenario ${scenario}`, async () => {
      const result = await run(
        [CONFORMANCE, "server", "--url", serve.url, "--scenario", scenario],
        outside.path,
      );
      assert.equal(result.code, 0, result.out);
      assert.match(result.out, /Passed: (\d+)\/\1, 0 failed/, result.out);
    });
  }
});

Deno.test("with MCPX_SERVE_TOKEN set, the Inspector CLI needs the bearer header", async (t) => {
  await using serve = await startHttpServe({ MCPX_SERVE_TOKEN: "tok-123" });
  await using cwd = await inspectorCwd();
  const base = [INSPECTOR_CLI, serve.url, "--transport", "http", "--method", "tools/list"];

  await t.step("without the header the connection is refused", async () => {
    const result = await run(base, cwd.path);
    assert.notEqual(result.code, 0);
    assert.match(result.out, /Missing or wrong bearer token/);
  });

  await t.step("with the header it works", async () => {
    const result = await run([...base, "--header", "Authorization: Bearer tok-123"], cwd.path);
    assert.equal(result.code, 0, result.out);
    assert.equal(JSON.parse(result.out).tools.length, 6);
  });
});
