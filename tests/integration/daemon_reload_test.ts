/**
 * The daemon reloads when any file its config came from changes: the config file and the files
 * of the clients it imports (`"imports"`), including a file whose folder did not exist when the
 * daemon started, and a client imported only after a reload.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runMcpx } from "../helpers/cli.ts";
import { alive, status, until } from "../helpers/daemon.ts";
import { SERVERS } from "../helpers/paths.ts";
import { defaultDenoDir } from "../../lib/sandbox/podman_tier.ts";

const everything = (mark: string) => ({
  command: "deno",
  args: ["run", "--allow-all", "--quiet", SERVERS.everything],
  env: { MARK: mark },
});

Deno.test("daemon: a change in an imported client's file reloads the daemon, and the next command uses it", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx-daemon-reload-" }));
  const home = join(dir, "home");
  await Deno.mkdir(home);
  await Deno.mkdir(join(dir, ".cursor"));
  const write = (path: string, value: unknown) =>
    Deno.writeTextFile(join(dir, path), JSON.stringify(value));
  await write("mcp_config.json", { mcpServers: {}, imports: ["cursor"] });
  await write(".cursor/mcp.json", { mcpServers: { a: everything("1") } });
  const env = { MCPX_DAEMON_DIR: join(dir, "d"), HOME: home, DENO_DIR: defaultDenoDir() };
  const mcpx = (args: string[]) => runMcpx(args, { cwd: dir, env });
  const names = async () =>
    (await status(mcpx)).servers.map((row: { name: string }) => row.name).join(",");
  try {
    assert.equal((await mcpx(["daemon", "start"])).code, 0);
    assert.equal((await mcpx(["call", "a", "echo", "message=x"])).stdout, "Echo: x\n");
    const first = (await status(mcpx)).servers[0];
    assert.deepEqual([first.name, first.connected], ["a", true]);

    // The imported file changes: a's entry differs and b is new.
    await write(".cursor/mcp.json", { mcpServers: { a: everything("2"), b: everything("1") } });
    assert.ok(await until(async () => await names() === "a,b"), await names());
    // The old a (its entry changed) is stopped; the next command gets the new one, warm after.
    assert.ok(await until(() => !alive(first.pid)), "the old server a still runs");
    assert.equal((await mcpx(["call", "b", "echo", "message=y"])).stdout, "Echo: y\n");
    const b = (await status(mcpx)).servers.find((row: { name: string }) => row.name === "b");
    assert.deepEqual([b.connected, b.connects], [true, 1], "the call ran on the daemon's manager");

    // The user file, in a folder that did not exist when the daemon started.
    await Deno.mkdir(join(home, ".cursor"));
    await Deno.writeTextFile(
      join(home, ".cursor/mcp.json"),
      JSON.stringify({ mcpServers: { c: everything("1") } }),
    );
    assert.ok(await until(async () => await names() === "a,b,c"), await names());

    // A client imported only now: its file is watched from the reload on.
    await write("mcp_config.json", { mcpServers: {}, imports: ["cursor", "vscode"] });
    await Deno.mkdir(join(dir, ".vscode"));
    await write(".vscode/mcp.json", { servers: { d: everything("1") } });
    assert.ok(await until(async () => await names() === "a,b,c,d"), await names());
    await write(".vscode/mcp.json", { servers: { d: everything("1"), e: everything("1") } });
    assert.ok(await until(async () => await names() === "a,b,c,d,e"), await names());
  } finally {
    await mcpx(["daemon", "stop"]);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("daemon: a command right after a config edit runs with the edited config", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx-daemon-edit-" }));
  const env = { MCPX_DAEMON_DIR: join(dir, "d") };
  const mcpx = (args: string[]) => runMcpx(args, { cwd: dir, env });
  const write = (servers: Record<string, unknown>) =>
    Deno.writeTextFile(join(dir, "mcp_config.json"), JSON.stringify({ mcpServers: servers }));
  const listed = async () =>
    JSON.parse((await mcpx(["servers", "--json"])).stdout).map((s: { name: string }) => s.name);
  try {
    await write({ a: everything("1") });
    assert.equal((await mcpx(["daemon", "start"])).code, 0);
    // The same command twice: the second is answered from the config the daemon loaded.
    assert.deepEqual(await listed(), ["a"]);
    assert.deepEqual(await listed(), ["a"]);
    assert.equal((await status(mcpx)).runs, 2);
    // Edited, and asked at once (before the watcher's reload): the edit is seen, in the daemon.
    for (const servers of [["a", "b"], ["b"], ["b", "c", "d"]]) {
      await write(Object.fromEntries(servers.map((name) => [name, everything("1")])));
      assert.deepEqual(await listed(), servers);
    }
    assert.equal((await status(mcpx)).runs, 5);
  } finally {
    await mcpx(["daemon", "stop"]);
    await Deno.remove(dir, { recursive: true });
  }
});
