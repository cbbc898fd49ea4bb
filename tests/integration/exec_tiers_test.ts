import assert from "node:assert/strict";
import { execProject, fixture } from "./_exec_project.ts";
import { TIERS } from "../../lib/sandbox/registry.ts";
import { skipUnless } from "../helpers/skip.ts";

const podmanReason = await (await TIERS.podman.load({})).ensureAvailable().then(
  () => undefined,
  (error: Error) => error.message,
);

Deno.test({
  name: "mcpx exec --tier podman runs a skill and its bridge calls through the harness",
  ignore: skipUnless(podmanReason === undefined, `podman tier unavailable: ${podmanReason}`),
}, async (t) => {
  await using project = await execProject();
  await t.step("a skill's output and exit code", async () => {
    const r = await project.exec(["--tier", "podman", fixture("echo_args.ts"), "--name", "three"]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, '{"name":"three","count":1}\n');
  });
  await t.step(
    "a plain script calls a tool over the bridge mounted into the container",
    async () => {
      const r = await project.exec([
        "--tier",
        "podman",
        "--json",
        "--servers",
        "everything",
        fixture("call_echo.ts"),
      ]);
      const report = JSON.parse(r.stdout);
      assert.equal(report.exitCode, 0, report.stderr);
      assert.equal(report.stdout, '"Echo: hello from the sandbox"\n');
      assert.equal(report.tier, "podman");
      assert.deepEqual(
        report.toolCalls.map((
          c: { server: string; tool: string; ok: boolean },
        ) => [c.server, c.tool, c.ok]),
        [["everything", "echo", true]],
      );
    },
  );
});

Deno.test("mcpx exec --tier trusted runs with full privileges and says so", async () => {
  await using project = await execProject();
  const r = await project.exec([
    "--tier",
    "trusted",
    "--json",
    "--servers",
    "everything",
    fixture("call_echo.ts"),
  ]);
  const report = JSON.parse(r.stdout);
  assert.equal(report.exitCode, 0, report.stderr);
  assert.match(
    report.stderr,
    /^\[mcpx: trusted tier: running with full privileges \(no sandbox\)\]\n/,
  );
  assert.equal(report.stdout, '"Echo: hello from the sandbox"\n');
});
