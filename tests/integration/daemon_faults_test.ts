/**
 * Faults around `mcpx call` and the daemon: a server that never answers `initialize` (and
 * ignores stdin EOF and SIGTERM) is bounded by `--timeout-ms` and killed, with and without the
 * daemon, and stopping a daemon stuck on it leaves nothing behind.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runMcpx } from "../helpers/cli.ts";
import { ROOT } from "../helpers/paths.ts";
import { isAlive } from "../helpers/servers.ts";

const HANGS = `${ROOT}/tests/fixtures/servers/hangs_on_initialize.ts`;

async function hangingProject() {
  const dir = await Deno.makeTempDir({ prefix: "mcpx-daemon-faults-" });
  const pidFile = join(dir, "server.pid");
  await Deno.writeTextFile(
    join(dir, "mcp_config.json"),
    JSON.stringify({
      mcpServers: { hangs: { command: "deno", args: ["run", "-A", HANGS, pidFile] } },
    }),
  );
  const env = { MCPX_DAEMON_DIR: join(dir, "d") };
  return {
    dir,
    pidFile,
    mcpx: (args: string[]) => runMcpx(args, { cwd: dir, env }),
    async [Symbol.asyncDispose]() {
      await runMcpx(["daemon", "stop"], { cwd: dir, env });
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function serverPid(pidFile: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    try {
      return Number(await Deno.readTextFile(pidFile));
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error("the fixture server never started");
}

for (const daemon of [false, true]) {
  Deno.test(`--timeout-ms bounds mcpx call's handshake and the hung server is killed (${daemon ? "through the daemon" : "no daemon"})`, async () => {
    await using p = await hangingProject();
    if (daemon) assert.equal((await p.mcpx(["daemon", "start"])).code, 0);
    const started = performance.now();
    const run = await p.mcpx(["call", "hangs", "anything", "--timeout-ms", "1500"]);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error: mcpx call hangs anything did not finish within 1500 ms/);
    // The server's own handshake timeout is 60 s: the command ended long before.
    assert.ok(seconds < 30, `took ${seconds} s`);
    const pid = await serverPid(p.pidFile);
    if (daemon) {
      // The daemon keeps trying; stopping it kills the server all the same.
      assert.equal((await p.mcpx(["daemon", "stop"])).code, 0);
    }
    for (let i = 0; i < 100 && isAlive(pid); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(isAlive(pid), false);
    const left = [...Deno.readDirSync(p.dir)].map((e) => e.name).filter((n) => n === "d");
    if (left.length > 0) assert.deepEqual([...Deno.readDirSync(join(p.dir, "d"))], []);
  });
}
