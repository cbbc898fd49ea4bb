/**
 * A skill that dies of an unhandled rejection or of a heap OOM costs the reader one line, not
 * Deno's or V8's multi-line report; --verbose keeps the detail.
 */
import assert from "node:assert/strict";
import { ROOT } from "../helpers/paths.ts";
import { execProject, fixture } from "./_exec_project.ts";

Deno.test("mcpx exec reports a dying skill in one line", async (t) => {
  await using project = await execProject({ memory_limit: "64m" });
  await t.step("an unhandled rejection: one error line, exit 1", async () => {
    const r = await project.exec([fixture("unhandled_rejection.ts")]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      "error: nobody caught this (an unhandled promise rejection in the skill)\n",
    );
  });
  await t.step("with --verbose the stack follows", async () => {
    const r = await project.exec(["--verbose", fixture("unhandled_rejection.ts")]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\nerror: nobody caught this .*\nError: nobody caught this\n\s+at /);
  });
  await t.step("a heap OOM: only mcpx's line naming the cap and the fix", async () => {
    const r = await project.exec([`${ROOT}/tests/sandbox/attacks/allocate.ts`]);
    assert.notEqual(r.code, 0);
    const lines = r.stderr.trim().split("\n").filter((l) => !l.startsWith("[mcpx: exec cache"));
    assert.deepEqual(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^\[mcpx: the skill ran out of memory \(heap cap 64 MiB\); raise/);
  });
});
