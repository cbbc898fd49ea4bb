/**
 * A podman-tier run dies with the daemon: its container runs under podman's conmon, outside the
 * daemon's process groups, and the watchdog removes it when the daemon is SIGKILLed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runMcpx } from "../helpers/cli.ts";
import { alive, descendants, exists, groupMembers, status, until } from "../helpers/daemon.ts";
import { skipUnless } from "../helpers/skip.ts";
import { mcpxContainers, NO_PODMAN, PODMAN_AVAILABLE } from "../sandbox/strict/_strict.ts";

/** Names of the `mcpx-*` containers (any state) that mount the workspace of project `dir`. The
 * strict tier's first run in a daemon also starts the doctor's probe containers (their temp
 * folders are in the daemon's, under `dir` too): those are not the run's. */
async function containersOf(dir: string): Promise<string[]> {
  const names = await mcpxContainers();
  if (names.length === 0) return [];
  const out = await new Deno.Command("podman", {
    args: ["inspect", "--type", "container", "--format", "{{.Name}} {{.Mounts}}", ...names],
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n")
    .filter((line) => line.includes(`${dir}/workspace`)).map((line) => line.split(" ")[0]!);
}

Deno.test({
  name: "daemon: SIGKILL during a podman-tier run removes its container, processes and files",
  ignore: skipUnless(PODMAN_AVAILABLE, NO_PODMAN),
  async fn() {
    const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx-daemon-podman-" }));
    const daemonDir = join(dir, "d");
    await Deno.writeTextFile(join(dir, "mcp_config.json"), JSON.stringify({ mcpServers: {} }));
    await Deno.writeTextFile(
      join(dir, "slow.ts"),
      'console.log("started"); await new Promise((r) => setTimeout(r, 120_000));',
    );
    const mcpx = (args: string[]) =>
      runMcpx(args, { cwd: dir, env: { MCPX_DAEMON_DIR: daemonDir } });
    try {
      assert.equal((await mcpx(["daemon", "start"])).code, 0);
      const pid = (await status(mcpx)).pid as number;
      const run = mcpx(["exec", "--tier", "podman", "slow.ts"]);
      assert.ok(
        await until(async () => (await containersOf(dir)).length === 1, 60_000),
        "the run's container never appeared",
      );
      const [container] = await containersOf(dir);
      const state = async () => {
        const out = await new Deno.Command("podman", {
          args: ["inspect", "--format", "{{.State.Running}}", container!],
          stdout: "piped",
          stderr: "null",
        }).output();
        return new TextDecoder().decode(out.stdout).trim();
      };
      assert.ok(await until(async () => await state() === "true", 60_000), "it never ran");
      const below = [...descendants(pid).keys()];
      Deno.kill(pid, "SIGKILL");
      assert.ok(
        await until(async () => (await containersOf(dir)).length === 0),
        `container left: ${await containersOf(dir)}`,
      );
      assert.ok(await until(() => groupMembers(pid).length === 0), `left: ${groupMembers(pid)}`);
      assert.ok(
        await until(() => below.filter(alive).length === 0),
        `left: ${below.filter(alive)}`,
      );
      const left = () =>
        exists(daemonDir) ? [...Deno.readDirSync(daemonDir)].map((e) => e.name) : [];
      assert.ok(await until(() => left().length === 0), `left in the daemon directory: ${left()}`);
      const ended = await run;
      assert.equal(ended.code, 1);
      assert.match(ended.stderr, /the mcpx daemon closed the connection before the command ended/);
    } finally {
      await mcpx(["daemon", "stop"]);
      for (const name of await containersOf(dir)) {
        await new Deno.Command("podman", { args: ["rm", "--force", "--time", "0", name] }).output();
      }
      await Deno.remove(dir, { recursive: true });
    }
  },
});
