import assert from "node:assert/strict";
import { TrustedTier } from "../../lib/sandbox/trusted_tier.ts";
import { DenoTier } from "../../lib/sandbox/deno_tier.ts";
import { SandboxError } from "../../lib/errors.ts";
import type { SandboxRunSpec } from "../../lib/sandbox/tier.ts";
import { type Grant, makeGrant } from "../../lib/sandbox/grant.ts";
import { attack, verdicts } from "./_fast.ts";

function spec(entry: string, grant: Grant, chunks: string[], escaped = false): SandboxRunSpec {
  return {
    runId: "trusted-test",
    entry,
    entryArgs: [],
    grant,
    deno: { lock: "none", denoDir: "/nonexistent" },
    support: [],
    ...(escaped ? { escapedDeno: true } : {}),
    cwd: Deno.cwd(),
    env: { NO_COLOR: "1", PATH: "/usr/bin:/bin" },
    bridgeDir: "/nonexistent",
    bridgeSocket: "/nonexistent/bridge.sock",
    onStdout: (chunk) => chunks.push(new TextDecoder().decode(chunk)),
    onStderr: (chunk) => chunks.push(new TextDecoder().decode(chunk)),
  };
}

Deno.test("trusted tier: full privileges, and it says so", async () => {
  const chunks: string[] = [];
  const outcome = await new TrustedTier().run(
    spec(attack("read_etc_passwd"), makeGrant({ read: ["/nowhere"] }), chunks),
  );
  const text = chunks.join("");
  assert.equal(outcome.code, 0);
  assert.match(text, /^\[mcpx: trusted tier: running with full privileges \(no sandbox\)\]\n/);
  assert.equal(verdicts(text).length, 1);
  assert.match(verdicts(text)[0]!, /^ALLOWED root:/);
});

Deno.test("without its second wall, the deno tier refuses to switch Deno's permissions off", async () => {
  await assert.rejects(
    new DenoTier({ wall: false }).run(spec(attack("exit_code"), makeGrant(), [], true)),
    (error) =>
      error instanceof SandboxError && error.code === "SANDBOX_ERROR" &&
      error.message.includes("use --tier trusted"),
  );
});
