/**
 * `mcpx serve` over stdio with a daemon running: the thin client passes the MCP session through,
 * the daemon serves it with its warm servers, and the session behaves as without the daemon.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/stdio"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { runMcpx } from "../helpers/cli.ts";
import { everythingServer, status, until } from "../helpers/daemon.ts";
import { CLI } from "../helpers/paths.ts";

/** The text of a tool result. */
function textOf(result: unknown): string {
  const content = (result as { content: { type: string; text?: string }[] }).content;
  return content.map((item) => item.text ?? "").join("\n");
}

Deno.test("daemon: mcpx serve over stdio is served by the daemon, on its warm servers", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx-daemon-serve-" }));
  await Deno.mkdir(join(dir, "skills"));
  await Deno.writeTextFile(
    join(dir, "mcp_config.json"),
    JSON.stringify({
      mcpServers: {
        everything: everythingServer(),
      },
      daemon: { idle_timeout: 120 },
    }),
  );
  await Deno.writeTextFile(
    join(dir, "skills", "shout.ts"),
    `import { z } from "zod";
import { defineSkill } from "mcpx/skill";
export default defineSkill({
  description: "Echoes a word in capitals",
  args: z.object({ word: z.string().describe("the word") }),
  servers: ["everything"],
  async run(args, ctx) {
    const echo = await ctx.callTool("everything", "echo", { message: args.word.toUpperCase() });
    console.log(echo.content[0].text);
  },
});
`,
  );
  const env = { MCPX_DAEMON_DIR: join(dir, "d") };
  const mcpx = (args: string[]) => runMcpx(args, { cwd: dir, env });
  const session = async () => {
    const transport = new StdioClientTransport({
      command: Deno.execPath(),
      args: ["run", "-A", "--quiet", CLI, "serve"],
      cwd: dir,
      env: { ...Deno.env.toObject(), ...env },
      stderr: "pipe",
    });
    const client = new Client({ name: "daemon-serve-test", version: "1.0.0" });
    await client.connect(transport);
    return { client, transport };
  };
  try {
    assert.equal((await mcpx(["daemon", "start"])).code, 0, "daemon start");
    // The daemon's server is connected by a CLI call first.
    assert.equal((await mcpx(["call", "everything", "echo", "message=x"])).stdout, "Echo: x\n");
    const before = (await status(mcpx)).servers[0];

    const { client } = await session();
    try {
      assert.equal(client.getServerVersion()?.name, "mcpx");
      const { tools } = await client.listTools();
      assert.equal(tools.length, 6);
      // The session is a command in flight in the daemon.
      assert.ok(await until(async () => (await status(mcpx)).inFlight.length === 1));
      const hits = await client.callTool({
        name: "search_tools",
        arguments: { query: "echo", detail: "name", limit: 1 },
      });
      assert.equal(textOf(hits), "everything.echo");
      const run = await client.callTool({
        name: "run_skill",
        arguments: { name: "shout", args: { word: "warm" } },
      });
      assert.match(textOf(run), /Echo: WARM/);
      // One server process served the CLI call and the session: the daemon's.
      const after = (await status(mcpx)).servers[0];
      assert.deepEqual([after.pid, after.connects], [before.pid, 1]);
    } finally {
      await client.close();
    }
    // The session's end (stdin closed) ends the command in the daemon; the daemon stays.
    assert.ok(await until(async () => (await status(mcpx)).inFlight.length === 0));
    const s = await status(mcpx);
    assert.equal(s.running, true);
    assert.ok(s.runs >= 2);
  } finally {
    await mcpx(["daemon", "stop"]);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("daemon: mcpx serve --http runs in the calling process, never in the daemon", async () => {
  const { forwardedCommand } = await import("../../lib/daemon/client.ts");
  assert.equal(forwardedCommand(["serve"]), "serve");
  assert.equal(forwardedCommand(["serve", "--http"]), undefined);
  assert.equal(forwardedCommand(["serve", "--http", "--port", "0"]), undefined);
  assert.equal(forwardedCommand(["--no-daemon", "serve"]), undefined);
});
