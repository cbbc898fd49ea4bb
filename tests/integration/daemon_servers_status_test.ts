/**
 * `mcpx servers --status` inside the daemon checks the servers the daemon holds, on its warm
 * manager: a connected server is pinged where it runs (no second copy is started), and output,
 * exit code and `--json` are those of the same check without the daemon.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runMcpx } from "../helpers/cli.ts";
import { alive, descendants, status } from "../helpers/daemon.ts";
import { SERVERS } from "../helpers/paths.ts";

const server = (pkg: string) => ({ command: "deno", args: ["run", "--allow-all", "--quiet", pkg] });

/** Latencies differ from run to run: the rest must not. */
function withoutLatency(text: string): string {
  return text.replace(/\d+ ms/g, "N ms").replace(/ +/g, " ");
}

Deno.test("daemon: servers --status checks the daemon's own servers and prints what the bare check prints", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mcpx-daemon-status-" });
  await Deno.writeTextFile(
    join(dir, "mcp_config.json"),
    JSON.stringify({
      mcpServers: {
        everything: server(SERVERS.everything),
        files: { command: "deno", args: [...server(SERVERS.filesystem).args, "${configDir}"] },
        missing: { command: "mcpx-no-such-server-command" },
      },
    }),
  );
  const mcpx = (args: string[]) =>
    runMcpx(args, { cwd: dir, env: { MCPX_DAEMON_DIR: join(dir, "d") } });
  try {
    const bare = await mcpx(["--no-daemon", "servers", "--status"]);
    const bareJson = await mcpx(["--no-daemon", "servers", "--status", "--json"]);
    const bareOne = await mcpx(["--no-daemon", "servers", "--status", "everything"]);
    assert.equal(bare.code, 1, bare.stderr);
    assert.match(bare.stdout, /^everything +ok /m);

    assert.equal((await mcpx(["daemon", "start"])).code, 0);
    assert.equal((await mcpx(["call", "everything", "echo", "message=warm"])).code, 0);
    const before = await status(mcpx);
    const everything = before.servers.find((row: { name: string }) => row.name === "everything");
    assert.equal(everything.connected, true);
    const serverProcesses = () =>
      [...descendants(before.pid).values()].filter((cmd) => cmd.includes("server-everything"));
    const processesBefore = serverProcesses().length;
    assert.ok(processesBefore >= 1);

    // Watch the daemon's processes while it checks: no second server-everything ever appears.
    let most = 0;
    let checking = true;
    const sampling = (async () => {
      while (checking) {
        most = Math.max(most, serverProcesses().length);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const warm = await mcpx(["servers", "--status"]);
    checking = false;
    await sampling;
    assert.equal(most, processesBefore, "a second everything server was started");
    const warmJson = await mcpx(["servers", "--status", "--json"]);
    const warmOne = await mcpx(["servers", "--status", "everything"]);
    for (const [w, b] of [[warm, bare], [warmJson, bareJson], [warmOne, bareOne]]) {
      assert.equal(w!.code, b!.code, w!.stderr);
      assert.equal(w!.stderr, b!.stderr);
    }
    assert.equal(withoutLatency(warm.stdout), withoutLatency(bare.stdout));
    assert.equal(withoutLatency(warmOne.stdout), withoutLatency(bareOne.stdout));
    const noLatency = (text: string) =>
      JSON.parse(text, (key, value) => key === "latencyMs" ? 0 : value);
    assert.deepEqual(noLatency(warmJson.stdout), noLatency(bareJson.stdout));
    assert.equal(warmOne.code, 0);

    // All three ran in the daemon, on the server process it already held.
    const after = await status(mcpx);
    assert.equal(after.runs, before.runs + 3);
    const row = after.servers.find((r: { name: string }) => r.name === "everything");
    assert.deepEqual([row.connected, row.connects, row.pid], [true, 1, everything.pid]);
    assert.ok(alive(everything.pid));
    assert.equal(serverProcesses().length, processesBefore);
    // A server the check connected stays with the daemon (warm for the next command).
    const files = after.servers.find((r: { name: string }) => r.name === "files");
    assert.deepEqual([files.connected, files.connects], [true, 1]);
    assert.equal((await mcpx(["call", "files", "list_allowed_directories"])).code, 0);
    const last = (await status(mcpx)).servers.find((r: { name: string }) => r.name === "files");
    assert.deepEqual([last.connects, last.pid], [1, files.pid]);
  } finally {
    await mcpx(["daemon", "stop"]);
    await Deno.remove(dir, { recursive: true });
  }
});
