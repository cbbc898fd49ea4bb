/**
 * Where the second wall cannot be built (no bubblewrap, no user namespaces, macOS): a run says so
 * once and runs on Deno's permissions; `sandbox.require_os_isolation` refuses instead, in one
 * line naming the fix; never a silent downgrade. The host without bubblewrap is stood in by the
 * tier's `wallSupport` option; the runs themselves are real.
 */
import assert from "node:assert/strict";
import { DenoTier } from "../../lib/sandbox/deno_tier.ts";
import type { WallSupport } from "../../lib/sandbox/bwrap.ts";
import { SandboxError } from "../../lib/errors.ts";
import { runWalled } from "./_wall.ts";

const noBwrap = (): Promise<WallSupport> =>
  Promise.resolve({
    available: false,
    reason: "bubblewrap (bwrap) is not installed",
    fix: "install bubblewrap (apt-get install bubblewrap)",
  });

Deno.test("fast tier without a second wall: refused when required, said once otherwise", async (t) => {
  await t.step(
    "require_os_isolation: ensureAvailable refuses in one line naming the fix",
    async () => {
      const tier = new DenoTier({ requireOsIsolation: true, wallSupport: noBwrap });
      const error = await tier.ensureAvailable().then(() => undefined, (e) => e);
      assert.ok(error instanceof SandboxError);
      assert.equal(error.code, "SANDBOX_UNAVAILABLE");
      assert.match(
        error.message,
        /^sandbox\.require_os_isolation is set but the fast tier's second wall cannot be built here: bubblewrap \(bwrap\) is not installed; install bubblewrap/,
      );
      assert.doesNotMatch(error.message, /\n/);
    },
  );

  await t.step("require_os_isolation: a run is refused before anything starts", async () => {
    await assert.rejects(
      runWalled("wall_ok", { tier: { requireOsIsolation: true, wallSupport: noBwrap } }),
      /sandbox\.require_os_isolation is set/,
    );
  });

  await t.step("not required: the run works, and says so once per process", async () => {
    const said: string[] = [];
    const original = console.error;
    console.error = (...parts: unknown[]) => said.push(parts.join(" "));
    try {
      for (let i = 0; i < 2; i++) {
        const r = await runWalled("wall_ok", { tier: { wallSupport: noBwrap } });
        assert.equal(r.stdout, "ok\n");
      }
    } finally {
      console.error = original;
    }
    const wallLines = said.filter((line) => line.includes("second wall"));
    assert.equal(wallLines.length, 1, said.join("\n"));
    assert.match(
      wallLines[0]!,
      /^warning: the fast tier runs without its second wall here \(bubblewrap \(bwrap\) is not installed\); skills are confined by Deno's permissions alone\. Fix: install bubblewrap/,
    );
  });

  await t.step("Deno's permissions are never switched off without the wall", async () => {
    await assert.rejects(
      runWalled("wall_ok", { escaped: true, tier: { wallSupport: noBwrap } }),
      /refuses to run with them switched off/,
    );
  });
});
