/**
 * doctor's fast-tier rows are measured, and say what holds on this host: the second wall (a probe
 * with Deno's permissions switched off sees nothing of the host) and the memory limit per run (a
 * hog under a 64 MiB cgroup is killed), with the mechanism named.
 */
import assert from "node:assert/strict";
import { wallSupport } from "../../lib/sandbox/bwrap.ts";
import { cgroupSupport } from "../../lib/sandbox/cgroup.ts";
import { wallChecks } from "../../lib/sandbox/_wall_doctor.ts";
import { renderReport } from "../../lib/cli/doctor.ts";
import { harnessStillWorks } from "./_wall.ts";

Deno.test("doctor measures the fast tier's second wall and memory limit truthfully", async (t) => {
  const checks = await wallChecks();
  const wall = checks.find((c) => c.id === "deno.wall")!;
  const memory = checks.find((c) => c.id === "deno.memory_limit")!;
  const support = await wallSupport();
  const cgroup = cgroupSupport();

  await t.step("second wall: holds exactly where bubblewrap runs, measured by a probe", () => {
    assert.equal(wall.ok, support.available, wall.detail);
    if (wall.ok) {
      assert.match(wall.detail, /saw no host file, no harness process .* no host port/);
    } else {
      assert.match(wall.detail, /^not available: /);
      assert.match(wall.fix ?? "", /bubblewrap/);
    }
  });

  await t.step("memory limit: names the mechanism; none means per-isolate heap cap only", () => {
    assert.equal(memory.ok, cgroup.kind !== "none", memory.detail);
    if (cgroup.kind === "none") {
      assert.match(memory.detail, /^none: .*capped per isolate \(V8 heap\) only/);
    } else {
      assert.match(
        memory.detail,
        new RegExp(`^cgroup ${cgroup.kind} \\(memory.*\\): a run holding 256 MiB .* was killed$`),
      );
    }
  });

  await t.step("the table's summary line says what confines a fast-tier run", () => {
    const text = renderReport(
      { measuredAt: new Date().toISOString(), cached: false, uid: 0, checks },
      false,
    );
    assert.match(text, /deno\s+second wall \(bubblewrap\)\s+(yes|NO)/);
    assert.match(
      text,
      wall.ok && memory.ok
        ? /The fast tier \(--tier deno\) runs inside its second wall \(bubblewrap\) with one memory limit for the whole run\./
        : /The fast tier \(--tier deno\) runs (inside|on Deno's permissions alone)/,
    );
  });

  await t.step("the harness still works after the probes", harnessStillWorks);
});
