/**
 * `run_skill` and `execute_code` through `mcpx serve`: real sandboxed runs (exec harness, fast
 * tier, bridge to server-everything) in a temporary project with generated wrappers.
 */
import assert from "node:assert/strict";
import { join } from "../fixtures/serve/_paths.ts";
import { connectHttp, startServe, tempProject, textOf } from "../fixtures/serve/_setup.ts";
import { McpClientManager } from "../../lib/client/manager.ts";
import { runDiscovery } from "../../lib/codegen/discover.ts";
import { parseDiscoveryConfig } from "../../lib/codegen/discovery_config.ts";

Deno.test("run_skill and execute_code run sandboxed code through mcpx serve", async (t) => {
  await using project = await tempProject({
    generate: true,
    serve: { servers: ["everything"] },
  });
  await using serve = await startServe({ config: project.config });
  await using client = await connectHttp(serve.url);
  const call = async (name: string, args: Record<string, unknown>) =>
    await client.callTool({ name, arguments: args });

  await t.step("run_skill with an object of flags", async () => {
    const result = await call("run_skill", { name: "add", args: { a: 2, b: 3 } });
    assert.equal(result.isError, undefined, textOf(result));
    assert.match(textOf(result), /^exit 0 in \d+ ms\n--- stdout ---\n.*5/);
  });

  await t.step("a non-zero exit is an error result", async () => {
    const result = await call("run_skill", { name: "add", args: { a: 1, b: 1, fail: true } });
    assert.equal(result.isError, true);
    assert.match(textOf(result), /^exit 3 in \d+ ms\n--- stdout ---\n.*2/);
  });

  await t.step("run_skill with an invalid argument names its JSON key", async () => {
    const result = await call("run_skill", { name: "add", args: { a: "x", b: 1 } });
    assert.equal(result.isError, true);
    assert.equal(
      textOf(result),
      'INVALID_ARGUMENTS: "a" must be a number, got "x". Call get_skill to see its arguments.',
    );
  });

  await t.step("run_skill of an unknown skill", async () => {
    const result = await call("run_skill", { name: "nope" });
    assert.equal(result.isError, true);
    assert.match(textOf(result), /Unknown skill "nope"/);
  });

  await t.step(
    "execute_code imports a generated wrapper relative to the project root",
    async () => {
      const code = [
        'import { getSum } from "./servers/everything/index.ts";',
        "console.log(JSON.stringify(await getSum({ a: 20, b: 22 })));",
      ].join("\n");
      const result = await call("execute_code", { code, servers: ["everything"] });
      assert.equal(result.isError, undefined, textOf(result));
      assert.match(textOf(result), /--- stdout ---\n.*42/);
    },
  );

  await t.step("execute_code without servers gets the operator's serve.servers", async () => {
    const code = [
      'import { getSum } from "./servers/everything/index.ts";',
      "console.log(JSON.stringify(await getSum({ a: 40, b: 2 })));",
    ].join("\n");
    const result = await call("execute_code", { code });
    assert.equal(result.isError, undefined, textOf(result));
    assert.match(textOf(result), /--- stdout ---\n.*42/);
  });

  await t.step("search_tools full shows the output type mcpx discover inferred", async () => {
    const before = textOf(
      await call("search_tools", { query: "get-env", detail: "full", limit: 1 }),
    );
    assert.match(before, /\ntype GetEnvOutput = unknown;\n/);
    await using manager = new McpClientManager({ config: project.config });
    const report = await runDiscovery(
      project.config,
      manager,
      parseDiscoveryConfig({ "everything__get-env": {} }),
    );
    assert.deepEqual(report.failures, []);
    const after = textOf(
      await call("search_tools", { query: "get-env", detail: "full", limit: 1 }),
    );
    assert.match(
      after,
      /\n\/\/ GetEnvDiscovered: inferred by mcpx discover\ninterface GetEnvDiscovered \{\n[^}]*\bPATH: +string;\n[^}]*\}\n/,
    );
    assert.match(after, /\ntype GetEnvOutput = GetEnvDiscovered;\nfunction getEnv\(/);
    assert.doesNotMatch(after, /GetEnvOutput = unknown/);
  });

  await t.step("execute_code may only call the servers it names", async () => {
    const code = [
      'import { getSum } from "./servers/everything/index.ts";',
      "await getSum({ a: 1, b: 1 });",
    ].join("\n");
    const result = await call("execute_code", { code, servers: [] });
    assert.equal(result.isError, true);
    assert.match(
      textOf(result),
      /^exit 1 in [\s\S]*Server "everything" is not allowed for this run \(allowed: none\)\. Name "everything" in execute_code's servers\./,
    );
  });

  await t.step("execute_code refuses an unknown or disabled server before running", async () => {
    const result = await call("execute_code", { code: "", servers: ["everything", "off", "x"] });
    assert.equal(result.isError, true);
    assert.equal(
      textOf(result),
      'UNKNOWN_SERVER: Server "off" is disabled by the operator. Unknown server "x". ' +
        "The servers argument may name: everything (see list_servers).",
    );
  });

  await t.step("execute_code runs in the sandbox: /etc/passwd is not readable", async () => {
    const result = await call("execute_code", {
      code: 'console.log(await Deno.readTextFile("/etc/passwd"));',
      servers: [],
    });
    assert.equal(result.isError, true);
    assert.match(textOf(result), /NotCapable|PermissionDenied|Requires read access/);
    assert.doesNotMatch(textOf(result), /root:/);
  });

  await t.step("long output is cut, and the cut is said", async () => {
    const result = await call("execute_code", {
      code: 'console.log("x".repeat(50000));',
      servers: [],
    });
    assert.match(textOf(result), /\[mcpx: output cut: kept the first 20000 of 50001 characters\]/);
    assert.ok(textOf(result).length < 21000);
  });

  await t.step("a snippet that never ends is killed at its timeout", async () => {
    const result = await call("execute_code", {
      code: "await new Promise(() => setInterval(() => {}, 1000));",
      servers: [],
      timeoutSeconds: 1,
    });
    assert.equal(result.isError, true);
    assert.match(textOf(result), /^timed out after \d+ ms \(exit 124\)/);
  });

  await t.step("snippets are removed after the run", async () => {
    const dir = join(project.config.root, "workspace", ".mcpx-serve");
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
  });
});

Deno.test("execute_code runs tier trusted only when the config allows it", async () => {
  await using project = await tempProject({ generate: true });
  const config = { ...project.config, serve: { ...project.config.serve!, allowTrusted: true } };
  await using serve = await startServe({ config });
  await using client = await connectHttp(serve.url);
  const result = await client.callTool({
    name: "execute_code",
    arguments: {
      code: 'console.log((await Deno.readTextFile("/etc/hostname")).length > 0);',
      servers: [],
      tier: "trusted",
    },
  });
  assert.equal(result.isError, undefined, textOf(result));
  assert.match(textOf(result), /--- stdout ---\ntrue/);
});
