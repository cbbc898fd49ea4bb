/**
 * Each failure names its true cause in one line, not a symptom further down the line.
 */
import assert from "node:assert/strict";
import { ClientError } from "../../lib/errors.ts";
import { McpClientManager } from "../../lib/client/manager.ts";
import { fixtureServer, testConfig } from "../helpers/servers.ts";

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<ClientError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof ClientError, `expected ClientError ${code}, got ${error}`);
  assert.equal(error.code, code, error.message);
  assert.ok(!error.message.includes("\n"), `one line: ${error.message}`);
  return error;
}

Deno.test("a stdio server's failure names the true cause", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "mcpx_true_cause_" });
  await Deno.writeTextFile(`${dir}/server.sh`, "#!/bin/sh\nexit 0\n"); // no execute bit
  await Deno.writeTextFile(
    `${dir}/colour.ts`,
    'console.error("\\x1b[31mError:\\x1b[0m \\x1b]8;;http://x\\x07bad\\x1b]8;;\\x07 config");\n' +
      "Deno.exit(1);\n",
  );
  await using manager = new McpClientManager({
    config: testConfig(
      fixtureServer("lying", "lying.ts"),
      { ...fixtureServer("nocwd", "lying.ts"), cwd: `${dir}/no_such_dir` },
      { ...fixtureServer("noexec", "lying.ts"), command: `${dir}/server.sh`, args: [] },
      {
        ...fixtureServer("colour", "lying.ts"),
        args: ["run", "-A", "--quiet", `${dir}/colour.ts`],
      },
    ),
  });
  try {
    await t.step("an 11 MiB result hits the SDK's size limit (not 'server exited')", async () => {
      const error = await rejectsWith(manager.callTool("lying", "huge"), "FRAME_TOO_LARGE");
      assert.match(error.message, /over the MCP SDK's 10 MiB stdio limit/);
      assert.doesNotMatch(error.message, /exited|Connection closed/);
    });
    await t.step("a result against the tool's outputSchema blames the server", async () => {
      const error = await rejectsWith(
        manager.callTool("lying", "broken-output"),
        "PROTOCOL_ERROR",
      );
      assert.match(error.message, /breaks the tool's own outputSchema/);
      assert.doesNotMatch(error.message, /rejected the arguments/);
    });
    await t.step("a command without the execute bit is 'not executable'", async () => {
      const error = await rejectsWith(manager.callTool("noexec", "x"), "COMMAND_NOT_FOUND");
      assert.match(error.message, /server\.sh\) is not executable; make it executable/);
      assert.doesNotMatch(error.message, /not found on PATH/);
    });
    await t.step("a missing cwd says the directory does not exist", async () => {
      const error = await rejectsWith(manager.callTool("nocwd", "x"), "CONNECT_FAILED");
      assert.match(error.message, /working directory ".*no_such_dir" does not exist/);
      assert.doesNotMatch(error.message, /exited during startup/);
    });
    await t.step("terminal codes in a server's stderr never reach the message", async () => {
      const error = await rejectsWith(manager.callTool("colour", "x"), "SERVER_EXITED");
      assert.match(error.message, /its stderr ends with: Error: bad config/);
      assert.ok(!error.message.includes("\x1b"), error.message);
      assert.ok(!String(error.data?.stderr).includes("\x1b"));
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
