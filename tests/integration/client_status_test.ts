import assert from "node:assert/strict";
import { McpClientManager } from "../../lib/client/manager.ts";
import { checkServers } from "../../lib/client/status.ts";
import { ClientError } from "../../lib/errors.ts";
import { ROOT, SERVERS } from "../helpers/paths.ts";
import { denoServer, isAlive, testConfig } from "../helpers/servers.ts";

const HANGS = `${ROOT}/tests/fixtures/servers/hangs_on_initialize.ts`;

Deno.test("a stdio server that never answers initialize is stopped before connect() rejects", async () => {
  const pidFile = await Deno.makeTempFile({ prefix: "mcpx_hang_pid_" });
  const manager = new McpClientManager({
    config: testConfig(
      denoServer("hangs", HANGS, {
        args: ["run", "-A", "--quiet", HANGS, pidFile],
        timeoutMs: 1500,
      }),
    ),
  });
  try {
    await assert.rejects(manager.connect("hangs"), (error) => {
      assert.ok(error instanceof ClientError);
      assert.equal(error.code, "CONNECT_FAILED");
      assert.match(
        error.message,
        /Cannot connect to server "hangs" .*(the MCP handshake did not finish within 1500 ms|Request timed out)/,
      );
      return true;
    });
    const pid = Number(await Deno.readTextFile(pidFile));
    assert.ok(pid > 0, "the fixture wrote its pid");
    // It ignores stdin EOF and SIGTERM: only mcpx's SIGKILL, sent before the rejection, ends it.
    assert.equal(isAlive(pid), false, `pid ${pid} outlived the failed connect`);
  } finally {
    await manager.cleanup();
    await Deno.remove(pidFile);
  }
});

Deno.test("probe() and checkServers() report live and dead servers without throwing", async () => {
  const manager = new McpClientManager({
    config: testConfig(
      denoServer("everything", SERVERS.everything),
      denoServer("broken", `${ROOT}/tests/fixtures/servers/no_such_server.ts`),
      { ...denoServer("off", SERVERS.everything), disabled: true },
    ),
  });
  try {
    const probe = await manager.probe("everything", { timeoutMs: 20_000 });
    assert.equal(probe.serverInfo?.name, "mcp-servers/everything");
    assert.ok(probe.capabilities.includes("resources") && probe.capabilities.includes("prompts"));
    assert.ok(probe.latencyMs >= 0);

    const statuses = await checkServers(manager, Object.values(manager.config.servers), {
      timeoutMs: 20_000,
    });
    assert.deepEqual(statuses.map((s) => [s.name, s.status]), [
      ["everything", "ok"],
      ["broken", "down"],
      ["off", "disabled"],
    ]);
    const broken = statuses[1]!;
    assert.ok(broken.status === "down");
    assert.equal(broken.code, "SERVER_EXITED");
    assert.doesNotMatch(broken.error, /\n/, "the cause is one line");
  } finally {
    await manager.cleanup();
  }
});
