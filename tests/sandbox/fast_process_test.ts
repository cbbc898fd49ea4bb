import assert from "node:assert/strict";
import { wallSupport } from "../../lib/sandbox/bwrap.ts";
import { runAttack, verdicts } from "./_fast.ts";

const walled = (await wallSupport()).available;

Deno.test("fast tier: a skill cannot leave the Deno runtime", async (t) => {
  await t.step("spawning a process is refused", async () => {
    const r = await runAttack("spawn_process");
    assert.deepEqual(verdicts(r.stdout), [
      walled
        // Inside the second wall there is no `sh` at all; Deno looks the program up first.
        ? "REFUSED NotFound: Failed to spawn 'sh': entity not found"
        : 'REFUSED NotCapable: Requires run access to "sh", run again with the --allow-run flag',
    ]);
  });

  await t.step("Deno.dlopen is refused", async () => {
    const r = await runAttack("dlopen");
    assert.match(
      verdicts(r.stdout)[0]!,
      /^REFUSED NotCapable: Requires ffi access to "libc\.so\.6"/,
    );
  });

  await t.step("host information (sys) is refused", async () => {
    const r = await runAttack("sys_info");
    assert.deepEqual(verdicts(r.stdout), [
      'REFUSED NotCapable: Requires sys access to "hostname", run again with the --allow-sys flag',
      'REFUSED NotCapable: Requires sys access to "networkInterfaces", run again with the --allow-sys flag',
    ]);
  });
});

Deno.test("fast tier: the environment is closed and cleared", async (t) => {
  await t.step("reading the environment or HOME is refused", async () => {
    const r = await runAttack("read_env");
    assert.deepEqual(verdicts(r.stdout), [
      "REFUSED NotCapable: Requires env access, run again with the --allow-env flag",
      'REFUSED NotCapable: Requires env access to "HOME", run again with the --allow-env flag',
    ]);
  });

  await t.step("a declared variable is readable, an undeclared host secret is absent", async () => {
    const r = await runAttack("read_env", {
      args: ["MCPX_TEST_TOKEN"],
      env: ["MCPX_TEST_TOKEN", "HOME"],
      hostEnv: { MCPX_TEST_TOKEN: "declared-value", AWS_SECRET_ACCESS_KEY: "host-secret" },
    });
    const lines = verdicts(r.stdout);
    assert.match(lines[0]!, /^REFUSED NotCapable: Requires env access/);
    // HOME is the workspace, never the host's home.
    assert.equal(lines[1], `ALLOWED ${r.workspace}`);
    assert.equal(lines[2], "ALLOWED declared-value");
    assert.doesNotMatch(r.stdout, /host-secret/);
  });
});

Deno.test("fast tier: no code is fetched at run time", async (t) => {
  await t.step("a remote https import is refused offline (--no-remote)", async () => {
    const r = await runAttack("remote_import");
    assert.deepEqual(verdicts(r.stdout), [
      'REFUSED TypeError: A remote specifier was requested: "https://example.com/payload.ts", ' +
      "but --no-remote is specified.",
    ]);
  });

  await t.step("an npm package that is not cached fails clearly (--cached-only)", async () => {
    const r = await runAttack("npm_import");
    assert.match(verdicts(r.stdout)[0]!, /^REFUSED TypeError: .*"left-pad"/);
  });
});
