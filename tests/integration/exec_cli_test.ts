import assert from "node:assert/strict";
import { execProject, fixture } from "./_exec_project.ts";
import { splitExecArgv } from "../../lib/cli/exec.ts";

Deno.test("splitExecArgv() gives everything after the path to the skill but --allow-*", () => {
  assert.deepEqual(
    splitExecArgv(["--tier", "deno", "--allow-net=a:1", "s.ts", "--tier", "x", "--help"]),
    [["--tier", "deno", "--allow-net=a:1"], "s.ts", ["--tier", "x", "--help"]],
  );
  assert.deepEqual(
    splitExecArgv([
      "s.ts",
      "--url",
      "u",
      "--allow-net",
      "h:1",
      "--allow-read=/d",
      "--",
      "--allow-net",
    ]),
    [["--allow-net", "h:1", "--allow-read=/d"], "s.ts", ["--url", "u", "--", "--allow-net"]],
  );
  assert.deepEqual(splitExecArgv(["--json", "--", "-odd.ts", "a"]), [["--json"], "-odd.ts", ["a"]]);
  assert.deepEqual(splitExecArgv(["--json"]), [["--json"], undefined, []]);
});

Deno.test("mcpx exec refuses bad input before spawning anything", async (t) => {
  await using project = await execProject();

  await t.step("--help after the path prints the skill's USAGE, exit 0", async () => {
    const r = await project.exec([fixture("echo_args.ts"), "--help"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^echo_args\nPrints its arguments as JSON/);
    assert.match(r.stdout, /--name/);
  });

  await t.step("an invalid skill argument is named, with where to look, exit 2", async () => {
    const r = await project.exec([fixture("echo_args.ts"), "--name", "a", "--count", "zero"]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^error: --count: expected an integer, got "zero"\nRun "mcpx exec /);
  });

  await t.step("a missing skill names the places it looked", async () => {
    const r = await project.exec(["no_such_skill"]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^error: Cannot find skill or script "no_such_skill" \(looked at .*\/skills\/no_such_skill\.ts/,
    );
  });

  await t.step(
    "--timeout above sandbox.max_timeout is a usage error naming the limit",
    async () => {
      const r = await project.exec(["--timeout", "61", fixture("echo_args.ts"), "--name", "a"]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--timeout must be between 0 and 60 seconds \(sandbox\.max_timeout/);
    },
  );

  await t.step("--servers cannot widen a skill's servers", async () => {
    const r = await project.exec(["--servers", "other", fixture("echo_args.ts"), "--name", "a"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--servers may only narrow a skill's servers \(everything\)/);
  });

  await t.step("a loopback URL argument without --allow-net is refused, exit 2", async () => {
    const r = await project.exec([
      fixture("echo_args.ts"),
      "--name",
      "a",
      "--url",
      "http://127.0.0.1:9/x",
    ]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /Refusing net access to "127\.0\.0\.1:9" \(IPv4 loopback\).*--allow-net 127\.0\.0\.1:9/,
    );
  });

  await t.step("a symlink in the workspace pointing outside stops the run", async () => {
    await Deno.mkdir(project.workspace, { recursive: true });
    await Deno.symlink("/etc/passwd", `${project.workspace}/passwd`);
    try {
      const r = await project.exec([fixture("echo_args.ts"), "--name", "a"]);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /Refusing to run: ".*\/workspace\/passwd" is a symlink to "\/etc\/passwd"/,
      );
    } finally {
      await Deno.remove(`${project.workspace}/passwd`);
    }
  });

  await t.step("a remote https import is refused while caching, before any run", async () => {
    // Written here, not kept in tests/fixtures: "deno check tests/" would try to fetch it.
    await Deno.writeTextFile(
      `${project.root}/remote_import.ts`,
      'import "https://example.com/payload.ts";\nconsole.log("never printed");\n',
    );
    const r = await project.exec(["remote_import.ts"]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.match(
      r.stderr,
      /^error: Cannot prepare the imports of .*remote_import\.ts: Requires import access to "example\.com:443".* never https: URLs\.\n$/,
    );
  });

  await t.step("an unknown tier is a usage error", async () => {
    const r = await project.exec(["--tier", "vm", fixture("echo_args.ts")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--tier must be one of deno, podman, trusted, got "vm"/);
  });
});
