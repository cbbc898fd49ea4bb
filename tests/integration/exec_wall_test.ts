/**
 * The second wall and the memory limit through `mcpx exec` end to end: the worker bound the
 * bootstrap installs, `killed: memory` for memory outside the JS heap, the harness invisible.
 */
import assert from "node:assert/strict";
import { wallSupport } from "../../lib/sandbox/bwrap.ts";
import { cgroupSupport } from "../../lib/sandbox/cgroup.ts";
import { ROOT } from "../helpers/paths.ts";
import { skipUnless } from "../helpers/skip.ts";
import { execProject, fixture } from "./_exec_project.ts";

const wall = (n: string) => `${ROOT}/tests/fixtures/exec_wall/${n}`;
const ignore = skipUnless(
  (await wallSupport()).available && cgroupSupport().kind !== "none",
  "the second wall and the run cgroup need bubblewrap and a writable cgroup (root)",
);

Deno.test({
  name: "mcpx exec: Worker bound, one memory limit and a hidden harness, end to end",
  ignore,
  async fn(t) {
    await using project = await execProject();
    const stillWorks = async () => {
      const r = await project.exec([fixture("echo_args.ts"), "--name", "after"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '{"name":"after","count":1}\n');
    };

    await t.step("150 Workers: the bootstrap's bound refuses the 5th", async () => {
      const r = await project.exec([wall("workers.ts")]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /^REFUSED after 4: QuotaExceededError: mcpx: this run may start at most 4 Web Workers/,
      );
      await stillWorks();
    });

    await t.step("1 GiB of ArrayBuffers under memory_limit 256m: killed: memory", async () => {
      const r = await project.exec(["--json", wall("buffers.ts")]);
      const report = JSON.parse(r.stdout);
      assert.equal(report.killed, "memory", r.stderr);
      assert.notEqual(report.exitCode, 0);
      assert.doesNotMatch(report.stdout, /held/);
      assert.match(report.stderr, /the run reached its memory limit \(256 MiB for the whole run/);
      await stillWorks();
    });

    await t.step("reading the harness's environment through /proc is refused", async () => {
      const r = await project.exec([wall("parent_environ.ts")]);
      assert.equal(r.code, 0, r.stderr);
      // Deno's permissions refuse first; the wall would refuse even without them (see
      // tests/sandbox/fast_wall_test.ts, where the same reads run with every permission).
      assert.match(r.stdout, /^REFUSED \/proc\/\d+\/environ: NotCapable$/m);
      assert.doesNotMatch(r.stdout, /MCPX|PATH=/);
      await stillWorks();
    });
  },
});

Deno.test({
  name: "sandbox.require_os_isolation: true runs where the wall holds, and mcpx config shows it",
  ignore,
  async fn() {
    await using project = await execProject({ require_os_isolation: true });
    const r = await project.exec([fixture("echo_args.ts"), "--name", "walled"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '{"name":"walled","count":1}\n');
    assert.doesNotMatch(r.stderr, /second wall/);
    const shown = await project.mcpx(["config"]);
    assert.match(shown.stdout, /os isolation:\s+required \(fast tier refuses without bubblewrap\)/);
  },
});
