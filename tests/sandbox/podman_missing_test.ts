/** Without podman the strict tier refuses, saying what to install; it never falls back. */
import assert from "node:assert/strict";
import { ROOT } from "../helpers/paths.ts";

Deno.test("podman tier: without podman, ensureAvailable() refuses and says how to install it", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `${ROOT}/tests/sandbox/strict/ensure_main.ts`],
    env: { MCPX_PODMAN: "/nonexistent/podman", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const result = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(result.ok, false);
  assert.equal(result.name, "SandboxError");
  assert.equal(result.code, "SANDBOX_UNAVAILABLE");
  assert.match(
    result.message,
    /needs podman.*\/nonexistent\/podman.*apt-get install podman.*--tier deno/,
  );
});
