import assert from "node:assert/strict";
import { join } from "node:path";
import {
  acquireRunCgroup,
  cgroupSupport,
  createRunCgroup,
  drainCgroupPool,
  joinCommand,
} from "../../lib/sandbox/cgroup.ts";
import { skipUnless } from "../helpers/skip.ts";

const support = cgroupSupport();

Deno.test({
  name: "a run cgroup: limits written, joined before exec, removed after, leftovers swept",
  ignore: skipUnless(
    support.kind !== "none",
    `no writable cgroup here: ${support.kind === "none" ? support.reason : ""}`,
  ),
  async fn(t) {
    const cgroup = createRunCgroup("unit1", { memoryMb: 96, pidsLimit: 17 })!;
    const dirs = cgroup.procsFiles.map((file) => join(file, ".."));
    try {
      await t.step("the limits are the kernel's", () => {
        const read = (dir: string, file: string) => Deno.readTextFileSync(join(dir, file)).trim();
        if (cgroup.kind === "v1") {
          assert.equal(read(dirs[0]!, "memory.limit_in_bytes"), String(96 * 1024 * 1024));
          assert.equal(read(dirs.at(-1)!, "pids.max"), "17");
        } else {
          assert.equal(read(dirs[0]!, "memory.max"), String(96 * 1024 * 1024));
          assert.equal(read(dirs[0]!, "pids.max"), "17");
        }
      });

      await t.step(
        "the joined command runs inside the cgroup from its first instruction",
        async () => {
          const { program, args } = joinCommand(cgroup, ["/bin/cat", "/proc/self/cgroup"]);
          const out = await new Deno.Command(program, { args, stdout: "piped" }).output();
          assert.equal(out.code, 0);
          assert.match(new TextDecoder().decode(out.stdout), /mcpx-\d+-unit1/);
          assert.equal(cgroup.oomKilled(), false);
        },
      );

      await t.step("if joining fails, nothing runs (exit 125)", async () => {
        const broken = { ...cgroup, procsFiles: ["/nonexistent/cgroup.procs"] };
        const { program, args } = joinCommand(broken, ["/bin/echo", "RAN"]);
        const out = await new Deno.Command(program, { args, stdout: "piped", stderr: "piped" })
          .output();
        assert.equal(out.code, 125);
        assert.equal(new TextDecoder().decode(out.stdout), "");
        assert.match(new TextDecoder().decode(out.stderr), /cannot join the run cgroup/);
      });
    } finally {
      await cgroup.remove();
    }

    await t.step("remove() leaves nothing behind", () => {
      for (const dir of dirs) assert.throws(() => Deno.statSync(dir), Deno.errors.NotFound);
    });

    await t.step("a released cgroup serves the next run with that run's limits", async () => {
      const first = acquireRunCgroup({ memoryMb: 64, pidsLimit: 9 })!;
      await first.release();
      const second = acquireRunCgroup({ memoryMb: 80, pidsLimit: 11 })!;
      try {
        assert.deepEqual(second.procsFiles, first.procsFiles);
        const pidsDir = join(second.procsFiles.at(-1)!, "..");
        assert.equal(Deno.readTextFileSync(join(pidsDir, "pids.max")).trim(), "11");
        assert.equal(second.oomKilled(), false);
      } finally {
        await second.release();
        drainCgroupPool();
      }
      for (const file of first.procsFiles) {
        assert.throws(() => Deno.statSync(join(file, "..")), Deno.errors.NotFound);
      }
    });

    await t.step("a cgroup left by a dead harness is swept by the next run", async () => {
      const parent = support.kind === "none" ? "" : support.memory;
      const dead = join(parent, "mcpx-999999999-orphan");
      Deno.mkdirSync(dead);
      const next = createRunCgroup("unit2", { memoryMb: 64, pidsLimit: 8 })!;
      await next.remove();
      assert.throws(() => Deno.statSync(dead), Deno.errors.NotFound);
    });
  },
});
