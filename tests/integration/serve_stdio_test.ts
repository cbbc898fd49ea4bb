/**
 * `mcpx serve` over stdio, started as a subprocess the way Claude Desktop starts it, and reached
 * with the SDK's stdio client.
 */
import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/stdio"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CLI, ROOT } from "../helpers/paths.ts";
import { FIXTURE, FIXTURE_CONFIG, textOf } from "../fixtures/serve/_setup.ts";

Deno.test("mcpx serve over stdio answers the SDK client and exits when stdin closes", async (t) => {
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", "-A", "--quiet", CLI, "serve", "--config", FIXTURE_CONFIG],
    cwd: ROOT,
    env: { ...Deno.env.toObject(), SERVE_STDIO_SECRET: "SERVE_STDIO_SECRET" },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Uint8Array) => stderr += new TextDecoder().decode(chunk));
  const client = new Client({ name: "serve-stdio-test", version: "1.0.0" });
  await client.connect(transport);
  const pid = transport.pid;
  let children: number[] = [];
  try {
    await t.step("initialize reports mcpx", () => {
      assert.equal(client.getServerVersion()?.name, "mcpx");
    });

    await t.step("tools/list has the six tools", async () => {
      const { tools } = await client.listTools();
      assert.equal(tools.length, 6);
    });

    await t.step("list_skills and search_tools work", async () => {
      const skills = await client.callTool({ name: "list_skills", arguments: {} });
      assert.match(textOf(skills), /^add: Adds two numbers/);
      const hits = await client.callTool({
        name: "search_tools",
        arguments: { query: "echo", detail: "name", limit: 3 },
      });
      assert.equal(textOf(hits).split("\n")[0], "everything.echo");
      children = childrenOf(pid!);
      assert.equal(children.length, 1, "search_tools started server-everything");
    });

    await t.step("a wrong skill argument is answered in JSON terms", async () => {
      const result = await client.callTool({
        name: "run_skill",
        arguments: { name: "add", args: { a: 1, b: 2, fial: true } },
      });
      assert.equal(result.isError, true);
      assert.equal(
        textOf(result),
        'INVALID_ARGUMENTS: "fial" is not an argument of skill add; did you mean "fail"? ' +
          "Call get_skill to see its arguments.",
      );
    });

    await t.step("colour codes in run output do not reach the client", async () => {
      const result = await client.callTool({
        name: "execute_code",
        arguments: { code: String.raw`console.log("[32mgreen[39m");` },
      });
      assert.match(textOf(result), /^exit 0 in \d+ ms\n--- stdout ---\ngreen\n$/);
    });

    await t.step("execute_code output reaches the client, not the MCP stream", async () => {
      const result = await client.callTool({
        name: "execute_code",
        arguments: { code: 'console.log("hi"); console.error("oops");', servers: [] },
      });
      assert.match(textOf(result), /^exit 0 in \d+ ms\n--- stdout ---\nhi\n\n--- stderr ---\noops/);
    });

    await t.step(
      "over stdio too, a snippet reads no config, no serve environ, no snippet file",
      async () => {
        const result = await client.callTool({
          name: "execute_code",
          arguments: {
            code: [
              "const here = new URL(import.meta.url).pathname;",
              "for (const p of ['../mcp_config.json', `/proc/${Deno.ppid}/environ`, here]) {",
              "  try { console.log('READ', (await Deno.readTextFile(p)).slice(0, 30)); }",
              "  catch (e) { console.log('REFUSED', e.name); }",
              "}",
              "try { await Deno.writeTextFile(here, 'x'); console.log('WROTE'); }",
              "catch (e) { console.log('REFUSED', e.name); }",
              "export default { permissions: { read: ['/'] } };",
            ].join("\n"),
            servers: [],
          },
        });
        const text = textOf(result);
        assert.equal(text.match(/^REFUSED NotCapable$/gm)?.length, 4, text);
        assert.doesNotMatch(text, /READ |WROTE|SERVE_STDIO_SECRET/);
      },
    );
  } finally {
    await client.close();
    // execute_code made the fixture project's (gitignored) workspace.
    await Deno.remove(`${FIXTURE}/workspace`, { recursive: true }).catch(() => {});
  }
  await t.step("the process and its MCP server children are gone", async () => {
    assert.ok(pid !== null && pid !== undefined);
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(pid), false, `mcpx serve (pid ${pid}) still runs`);
    for (const child of children) assert.equal(alive(child), false, `child ${child} still runs`);
    assert.match(stderr, /mcpx serve: MCP over stdio/);
  });
});

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/\) Z /.test(stat);
  } catch {
    return false;
  }
}

function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) children.push(Number(entry.name));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}
