import assert from "node:assert/strict";
import { TrustedTier } from "../../lib/sandbox/trusted_tier.ts";
import { DenoTier } from "../../lib/sandbox/deno_tier.ts";
import { SandboxError } from "../../lib/errors.ts";
import type { SandboxRunSpec } from "../../lib/sandbox/tier.ts";
import { attack, verdicts } from "./_fast.ts";

function spec(entry: string, denoFlags: string[], chunks: string[]): SandboxRunSpec {
  return {
    runId: "trusted-test",
    entry,
    entryArgs: [],
    denoFlags,
    cwd: Deno.cwd(),
    env: { NO_COLOR: "1", PATH: "/usr/bin:/bin" },
    readOnlyPaths: [],
    readWritePaths: [],
    bridgeDir: "/nonexistent",
    timeoutMs: 20_000,
    memoryMb: 256,
    cpus: 1,
    pidsLimit: 64,
    outputLimitBytes: 1 << 20,
    onStdout: (chunk) => chunks.push(new TextDecoder().decode(chunk)),
    onStderr: (chunk) => chunks.push(new TextDecoder().decode(chunk)),
  };
}

Deno.test("trusted tier: full privileges, and it says so", async () => {
  const chunks: string[] = [];
  const outcome = await new TrustedTier().run(
    spec(attack("read_etc_passwd"), [
      "--no-prompt",
      "--allow-read=/nowhere",
      "--deny-net=10.0.0.0/8",
    ], chunks),
  );
  const text = chunks.join("");
  assert.equal(outcome.code, 0);
  assert.match(text, /^\[mcpx: trusted tier: running with full privileges \(no sandbox\)\]\n/);
  assert.equal(verdicts(text).length, 1);
  assert.match(verdicts(text)[0]!, /^ALLOWED root:/);
});

Deno.test("deno tier refuses flags that would grant everything", async (t) => {
  for (const flag of ["-A", "--allow-all", "--allow-run=sh", "--allow-ffi"]) {
    await t.step(flag, async () => {
      await assert.rejects(
        new DenoTier().run(spec(attack("exit_code"), ["--no-prompt", flag], [])),
        (error) =>
          error instanceof SandboxError && error.code === "SANDBOX_ERROR" &&
          error.message.includes("use --tier trusted"),
      );
    });
  }
});
