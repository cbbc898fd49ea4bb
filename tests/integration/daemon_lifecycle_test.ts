/**
 * `mcpx daemon` lifecycle: autostart, idle timeout, per-server keepAlive, restart of servers when
 * the config changes, and Ctrl-C in the client ending the run but not the daemon.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliRun, runMcpx } from "../helpers/cli.ts";
import { CLI, SERVERS } from "../helpers/paths.ts";
import { isAlive } from "../helpers/servers.ts";

async function project(extra: { daemon?: unknown; keepAlive?: number; env?: unknown } = {}) {
  const dir = await Deno.makeTempDir({ prefix: "mcpx-daemon-life-" });
  const env = { MCPX_DAEMON_DIR: join(dir, "d") };
  const write = (more: typeof extra) =>
    Deno.writeTextFile(
      join(dir, "mcp_config.json"),
      JSON.stringify({
        mcpServers: {
          everything: {
            command: "deno",
            args: ["run", "--allow-all", "--quiet", SERVERS.everything],
            ...(more.keepAlive === undefined ? {} : { keepAlive: more.keepAlive }),
            ...(more.env === undefined ? {} : { env: more.env }),
          },
        },
        ...(more.daemon === undefined ? {} : { daemon: more.daemon }),
      }),
    );
  await write(extra);
  const mcpx = (args: string[]): Promise<CliRun> => runMcpx(args, { cwd: dir, env });
  return {
    dir,
    env,
    write,
    mcpx,
    async status() {
      const run = await mcpx(["daemon", "status", "--json"]);
      return JSON.parse(run.stdout);
    },
    async [Symbol.asyncDispose]() {
      await mcpx(["daemon", "stop"]);
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return await check();
}

Deno.test("daemon.autostart starts the daemon on the first call; idle_timeout ends it and its servers", async () => {
  await using p = await project({ daemon: { autostart: true, idle_timeout: 2 } });
  assert.equal((await p.status()).running, false);
  const first = await p.mcpx(["call", "everything", "echo", "message=hi"]);
  assert.deepEqual([first.code, first.stdout, first.stderr], [0, "Echo: hi\n", ""]);
  const s = await p.status();
  assert.equal(s.running, true);
  assert.equal(s.runs, 1);
  const serverPid = s.servers[0].pid as number;
  assert.ok(isAlive(serverPid));
  // Idle for 2 s: the daemon leaves, with its server, its socket and its directory.
  assert.ok(await until(async () => (await p.status()).running === false));
  assert.ok(await until(() => !isAlive(serverPid) && !isAlive(s.pid)));
  assert.deepEqual([...Deno.readDirSync(p.env.MCPX_DAEMON_DIR)], []);
});

Deno.test("keepAlive closes an idle server in the daemon; the next call reopens it", async () => {
  await using p = await project({ keepAlive: 1 });
  assert.equal((await p.mcpx(["daemon", "start"])).code, 0);
  assert.equal((await p.mcpx(["call", "everything", "echo", "message=a"])).code, 0);
  const pid = (await p.status()).servers[0].pid as number;
  assert.ok(await until(async () => (await p.status()).servers[0].connected === false));
  assert.ok(await until(() => !isAlive(pid)));
  assert.equal((await p.mcpx(["call", "everything", "echo", "message=b"])).stdout, "Echo: b\n");
  const row = (await p.status()).servers[0];
  assert.deepEqual([row.connected, row.connects], [true, 2]);
});

Deno.test("a changed config restarts its server once, on next use; an unchanged one keeps it", async () => {
  await using p = await project();
  assert.equal((await p.mcpx(["daemon", "start"])).code, 0);
  assert.equal((await p.mcpx(["call", "everything", "echo", "message=a"])).code, 0);
  const before = (await p.status()).servers[0].pid as number;
  // Rewritten with the same servers: nothing restarts.
  await p.write({});
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.equal((await p.mcpx(["call", "everything", "echo", "message=b"])).code, 0);
  assert.equal((await p.status()).servers[0].pid, before);
  await p.write({ env: { MCPX_TEST_MARK: "2" } });
  // The reload is debounced; the old server stops once no command uses it.
  assert.ok(await until(() => !isAlive(before)));
  const run = await p.mcpx(["call", "everything", "get-env"]);
  assert.match(run.stdout, /MCPX_TEST_MARK/);
  const after = (await p.status()).servers[0];
  assert.notEqual(after.pid, before);
  assert.equal(after.connects, 1);
});

Deno.test("Ctrl-C in the client ends its run with 130; the daemon keeps serving", async () => {
  await using p = await project();
  await Deno.writeTextFile(
    join(p.dir, "slow.ts"),
    'console.log("started"); await new Promise((r) => setTimeout(r, 60_000));',
  );
  assert.equal((await p.mcpx(["daemon", "start"])).code, 0);
  const client = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CLI, "exec", "slow.ts"],
    cwd: p.dir,
    env: p.env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = client.stdout.getReader();
  const first = await reader.read();
  assert.equal(new TextDecoder().decode(first.value), "started\n");
  client.kill("SIGINT");
  const status = await client.status;
  reader.releaseLock();
  await client.stdout.cancel();
  await client.stderr.cancel();
  assert.equal(status.code, 130);
  const s = await p.status();
  assert.deepEqual([s.running, s.inFlight.length], [true, 0]);
  assert.equal((await p.mcpx(["call", "everything", "echo", "message=c"])).stdout, "Echo: c\n");
});
