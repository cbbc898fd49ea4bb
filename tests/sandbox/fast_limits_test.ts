import assert from "node:assert/strict";
import { processesNaming } from "../helpers/processes.ts";
import { runAttack } from "./_fast.ts";

/** Whether any host process still runs the attack (the pid the attack prints is the one inside
 * its own PID namespace when the second wall is up, so the host is searched by command line). */
const stillRunning = (attack: string) => processesNaming(`attacks/${attack}.ts`).length > 0;

Deno.test("fast tier: limits end runaway skills", async (t) => {
  await t.step("10 MB of output is cut at the limit and the cut is said", async () => {
    const r = await runAttack("print_flood", { outputLimitBytes: 1024 * 1024 });
    assert.equal(r.outcome.code, 0);
    assert.equal(r.outcome.stdoutTruncated, true);
    assert.equal(r.stdout.length, 1024 * 1024);
    assert.match(r.stderr, /\[mcpx: stdout cut at 1 MiB\]/);
  });

  await t.step("an endless loop is killed at the timeout: 124, process gone", async () => {
    const r = await runAttack("loop_forever", { timeoutMs: 1500 });
    assert.equal(r.outcome.code, 124);
    assert.equal(r.outcome.timedOut, true);
    assert.equal(r.outcome.killed, "timeout");
    assert.match(r.stderr, /\[mcpx: timed out after 1\.5 s; the skill was killed\]/);
    assert.ok(Number(/pid (\d+)/.exec(r.stdout)?.[1]) > 0);
    assert.equal(stillRunning("loop_forever"), false);
  });

  await t.step("allocating 2 GB hits the memory limit: killed, and said", async () => {
    const r = await runAttack("allocate", { memoryMb: 128 });
    assert.notEqual(r.outcome.code, 0);
    assert.equal(r.outcome.killed, "memory");
    // Whichever fires first: V8's heap cap or the run's cgroup (both are 128 MiB).
    assert.match(
      r.stderr,
      /\[mcpx: (the skill ran out of memory \(heap cap 128 MiB\)|the run reached its memory limit \(128 MiB for the whole run)/,
    );
    assert.doesNotMatch(r.stdout, /allocated/);
  });

  await t.step("the skill's exit code is passed through", async () => {
    const r = await runAttack("exit_code");
    assert.equal(r.outcome.code, 3);
    assert.equal(r.stdout, "out\n");
    assert.equal(r.stderr, "err\n");
  });

  await t.step("aborting the run (SIGINT/SIGTERM of the harness) kills it", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1000);
    const r = await runAttack("loop_forever", { signal: controller.signal });
    assert.equal(r.outcome.killed, "signal");
    assert.equal(r.outcome.code, 130);
    assert.equal(stillRunning("loop_forever"), false);
  });
});
