import assert from "node:assert/strict";
import { wallSupport } from "../../lib/sandbox/bwrap.ts";
import { cgroupSupport } from "../../lib/sandbox/cgroup.ts";
import { skipUnless } from "../helpers/skip.ts";
import { harnessStillWorks, runWalled } from "./_wall.ts";

const cgroup = cgroupSupport();
const noCgroup = skipUnless(
  cgroup.kind !== "none",
  `no cgroup for the fast tier here: ${cgroup.kind === "none" ? cgroup.reason : ""}`,
);
const noWall = skipUnless((await wallSupport()).available, "bubblewrap cannot run here");

Deno.test({
  name: "fast tier: one memory limit holds the whole run, whatever allocates",
  ignore: noCgroup,
  async fn(t) {
    for (
      const [attack, what] of [
        ["mem_workers", "four Workers holding 1.7 GiB"],
        ["mem_buffers", "ArrayBuffers holding 1.5 GiB"],
        ["mem_wasm", "WebAssembly memory holding 1.5 GiB"],
        ["nested_workers", "ten nested Workers (past the Worker count) holding 1.6 GiB"],
      ]
    ) {
      await t.step(`${what} under a 512 MiB limit: killed: memory, and said`, async () => {
        const r = await runWalled(attack!, { memoryMb: 512 });
        assert.equal(r.outcome.killed, "memory", r.stderr);
        assert.notEqual(r.outcome.code, 0);
        assert.doesNotMatch(r.stdout, /held/);
        assert.match(
          r.stderr,
          /\[mcpx: the run reached its memory limit \(512 MiB for the whole run/,
        );
        await harnessStillWorks();
      });
    }
  },
});

Deno.test({
  name: "fast tier: Web Workers are bounded by count, whichever way the constructor is reached",
  ignore: noWall,
  async fn(t) {
    for (
      const how of [
        "plain",
        "constructor",
        "prototype",
        "proto_chain",
        "reflect",
        "subclass",
        "redefine",
      ]
    ) {
      await t.step(`150 Workers via ${how}: refused after the 8th`, async () => {
        const r = await runWalled("worker_bomb", { args: [how, "8"] });
        assert.match(
          r.stdout,
          /^REFUSED after 8: QuotaExceededError: mcpx: this run may start at most 8 Web Workers/,
        );
        await harnessStillWorks();
      });
    }
    await t.step("the bound follows the limit it is given", async () => {
      const r = await runWalled("worker_bomb", { args: ["plain", "3"] });
      assert.match(r.stdout, /^REFUSED after 3: QuotaExceededError/);
    });
  },
});

Deno.test({
  name: "fast tier: processes and threads of the whole run are bounded by the cgroup",
  ignore: noCgroup || noWall,
  async fn(t) {
    await t.step("a pids limit below what Deno needs is named with the fix", async () => {
      const r = await runWalled("wall_ok", { pidsLimit: 4 });
      assert.notEqual(r.outcome.code, 0);
      assert.match(
        r.stderr,
        /\[mcpx: the run reached its process and thread limit \(4, cgroup\); raise sandbox\.pids_limit/,
      );
      await harnessStillWorks();
    });
    await t.step("a fork bomb (escaped Deno) is refused at the pids limit", async () => {
      const r = await runWalled("fork_bomb", { escaped: true, pidsLimit: 32 });
      assert.match(r.stdout, /^REFUSED after \d+: .*Resource temporarily unavailable/);
      assert.ok(Number(/after (\d+)/.exec(r.stdout)?.[1]) < 32);
      await harnessStillWorks();
    });
  },
});
