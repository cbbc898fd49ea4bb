import assert from "node:assert/strict";
import { startBridgeHost } from "../../lib/bridge/host.ts";
import { McpClientManager } from "../../lib/client/manager.ts";
import { ROOT, SERVERS } from "../helpers/paths.ts";
import { denoServer, testConfig } from "../helpers/servers.ts";

const CHILD = `${ROOT}/tests/fixtures/bridge/guest_child.ts`;

/** Runs the guest child with exactly `flags`; kills it if it has not exited after a minute. */
async function runChild(flags: string[], socketPath: string) {
  const controller = new AbortController();
  const guard = setTimeout(() => controller.abort(), 60_000);
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", ...flags, CHILD, socketPath],
      env: { NO_COLOR: "1" },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: controller.signal,
    }).output();
    return {
      code: output.code,
      killed: controller.signal.aborted,
      stdout: new TextDecoder().decode(output.stdout),
      stderr: new TextDecoder().decode(output.stderr),
    };
  } finally {
    clearTimeout(guard);
  }
}

const socketFlags = (socket: string) => [
  `--allow-read=${socket}`,
  `--allow-write=${socket}`,
  `--allow-net=unix:${socket}`,
];

Deno.test("a sandboxed guest reaches server-everything through the bridge", async (t) => {
  await using manager = new McpClientManager({
    config: testConfig(
      denoServer("everything", SERVERS.everything),
      denoServer("memory", SERVERS.memory),
    ),
  });
  await using host = await startBridgeHost(manager, { allowedServers: ["everything"] });

  await t.step("with only the socket's permissions: 100 concurrent calls, refusals", async () => {
    const r = await runChild(socketFlags(host.socketPath), host.socketPath);
    assert.equal(r.killed, false, "the child exited by itself with its guest still open");
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(
      report.sums,
      Array.from({ length: 100 }, (_, i) => `The sum of ${i} and 1 is ${i + 1}.`),
    );
    assert.equal(report.echo, "Echo: through the bridge");
    assert.deepEqual(report.servers, ["everything"]);
    assert.match(report.refused, /^SERVER_NOT_ALLOWED: Server "memory" is not allowed/);
    assert.equal(report.unknownTool, "UNKNOWN_TOOL");
    assert.match(
      report.toolError,
      /^ToolError TOOL_ERROR everything true: Tool "everything\.get-sum" failed: .*expected number/,
    );
    assert.equal(report.readEtc, "NotCapable", "the child has no other file access");
  });

  await t.step("the host recorded every call and never started the refused server", () => {
    const calls = host.calls.filter((c) => c.method === "callTool");
    assert.equal(calls.filter((c) => c.tool === "get-sum" && c.ok).length, 100);
    assert.deepEqual(
      calls.filter((c) => !c.ok).map((c) => `${c.server}.${c.tool}:${c.code}`).sort(),
      [
        "everything.get-sum:TOOL_ERROR",
        "everything.no_such_tool:UNKNOWN_TOOL",
        "memory.read_graph:SERVER_NOT_ALLOWED",
      ],
    );
    assert.equal(manager.state, "CONNECTED");
    return manager.listServers().then((servers) => {
      assert.deepEqual(servers.map((s) => [s.name, s.connected]), [
        ["everything", true],
        ["memory", false],
      ]);
    });
  });

  await t.step(
    "without --allow-net=unix: the guest cannot connect (all three flags are needed)",
    async () => {
      const r = await runChild(socketFlags(host.socketPath).slice(0, 2), host.socketPath);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Cannot connect to the bridge.*net access to "unix:/s);
    },
  );
});
