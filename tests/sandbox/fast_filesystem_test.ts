import assert from "node:assert/strict";
import { wallSupport } from "../../lib/sandbox/bwrap.ts";
import { attack, runAttack, verdicts } from "./_fast.ts";
import { assertNoEscapingLinks } from "../../lib/sandbox/workspace_guard.ts";
import { SandboxError } from "../../lib/errors.ts";
import { ROOT } from "../helpers/paths.ts";

Deno.test("fast tier: a skill cannot read files outside its grants", async (t) => {
  await t.step("/etc/passwd is refused by name", async () => {
    const r = await runAttack("read_etc_passwd");
    assert.deepEqual(verdicts(r.stdout), [
      'REFUSED NotCapable: Requires read access to "/etc/passwd", run again with the --allow-read flag',
    ]);
    assert.equal(r.outcome.code, 0);
  });

  await t.step("the real ~/.ssh key is refused, and HOME is not the host's", async () => {
    const home = await Deno.makeTempDir({ prefix: "mcpx_fake_home_" });
    try {
      await Deno.mkdir(`${home}/.ssh`);
      await Deno.writeTextFile(`${home}/.ssh/id_ed25519`, "FAKE PRIVATE KEY\n");
      const r = await runAttack("read_file", {
        args: [`${home}/.ssh/id_ed25519`],
        hostEnv: { HOME: home },
      });
      assert.deepEqual(verdicts(r.stdout), [
        `REFUSED NotCapable: Requires read access to "${home}/.ssh/id_ed25519", ` +
        "run again with the --allow-read flag",
      ]);
      assert.doesNotMatch(r.stdout, /FAKE PRIVATE KEY/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  });

  await t.step("/proc/self/environ (the process environment) is refused", async () => {
    const r = await runAttack("read_file", { args: ["/proc/self/environ"] });
    assert.match(
      verdicts(r.stdout)[0]!,
      /^REFUSED NotCapable: Requires read access to "\/proc\/self\/environ"/,
    );
  });
});

Deno.test("fast tier: a computed import reads nothing outside the grant", async (t) => {
  const outside = await Deno.makeTempDir({ prefix: "mcpx_outside_" });
  try {
    await Deno.writeTextFile(`${outside}/secret.txt`, "OUTSIDE SECRET");
    await Deno.writeTextFile(`${outside}/leak.ts`, 'export default "OUTSIDE LEAK";\n');
    for (
      const [name, args] of [
        ["a text import of a file outside", [`${outside}/secret.txt`, "text"]],
        ["a module outside", [`${outside}/leak.ts`]],
        ["/etc/passwd as text", ["/etc/passwd", "text"]],
        ["a file: URL", [`file://${outside}/secret.txt`, "text"]],
        ["a file of a code root (mounted, not readable)", [`${ROOT}/deno.json`, "text"]],
      ] as const
    ) {
      await t.step(`${name} is refused by Deno's permissions`, async () => {
        const r = await runAttack("import_computed", { args: [...args] });
        assert.equal(verdicts(r.stdout).length, 1, r.stdout + r.stderr);
        assert.match(verdicts(r.stdout)[0]!, /^REFUSED TypeError: Requires read access to "/);
        assert.doesNotMatch(r.stdout, /OUTSIDE|root:|"imports"/);
        assert.equal(r.outcome.code, 0);
      });
    }
    await t.step("the same import of a granted file works", async () => {
      const r = await runAttack("import_computed", {
        args: [`${outside}/secret.txt`, "text"],
        read: [outside],
      });
      assert.deepEqual(verdicts(r.stdout), ['ALLOWED "OUTSIDE SECRET"']);
    });
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("fast tier: a skill cannot write outside the workspace", async (t) => {
  const outside = await Deno.makeTempDir({ prefix: "mcpx_outside_" });
  try {
    await t.step("a temp file next to the workspace is refused", async () => {
      const r = await runAttack("write_file", { args: [`${outside}/pwned.txt`] });
      assert.deepEqual(verdicts(r.stdout), [
        `REFUSED NotCapable: Requires write access to "${outside}/pwned.txt", ` +
        "run again with the --allow-write flag",
      ]);
      await assert.rejects(Deno.stat(`${outside}/pwned.txt`), Deno.errors.NotFound);
    });

    await t.step("the skill's own file is refused", async () => {
      const self = attack("write_file");
      const before = await Deno.readTextFile(self);
      const r = await runAttack("write_file", { args: [self] });
      assert.match(
        verdicts(r.stdout)[0]!,
        /^REFUSED NotCapable: Requires write access to ".*write_file\.ts"/,
      );
      assert.equal(await Deno.readTextFile(self), before);
    });

    await t.step("a file inside the workspace is allowed", async () => {
      const r = await runAttack("write_file", { args: ["notes.txt"] });
      assert.deepEqual(verdicts(r.stdout), ["ALLOWED undefined"]);
    });
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("fast tier: symlinks cannot carry a skill outside the workspace", async (t) => {
  await t.step("a skill cannot create a symlink", async () => {
    const r = await runAttack("make_symlink");
    assert.match(
      verdicts(r.stdout)[0]!,
      /^REFUSED NotCapable: Deno\.symlink\(\) requires unscoped --allow-read/,
    );
  });

  await t.step("a planted link to outside is found before the run and named", async () => {
    const project = await Deno.makeTempDir({ prefix: "mcpx_links_" });
    try {
      await Deno.mkdir(`${project}/workspace/sub`, { recursive: true });
      await Deno.symlink("/etc/passwd", `${project}/workspace/sub/link`);
      const workspace = await Deno.realPath(`${project}/workspace`);
      await assert.rejects(assertNoEscapingLinks(workspace, [workspace]), (error) => {
        assert.ok(error instanceof SandboxError);
        assert.equal(error.code, "SANDBOX_ERROR");
        assert.match(error.message, /sub\/link" is a symlink to "\/etc\/passwd", outside/);
        return true;
      });
    } finally {
      await Deno.remove(project, { recursive: true });
    }
  });

  await t.step("a link that stays inside the workspace is fine", async () => {
    const project = await Deno.makeTempDir({ prefix: "mcpx_links_" });
    try {
      const workspace = await Deno.realPath(project);
      await Deno.writeTextFile(`${workspace}/data.txt`, "ok");
      await Deno.symlink(`${workspace}/data.txt`, `${workspace}/alias`);
      await assertNoEscapingLinks(workspace, [workspace]);
    } finally {
      await Deno.remove(project, { recursive: true });
    }
  });

  await t.step("why the check exists: Deno itself follows a planted link", async () => {
    const outside = await Deno.makeTempDir({ prefix: "mcpx_outside_" });
    try {
      await Deno.writeTextFile(`${outside}/secret.txt`, "OUTSIDE SECRET");
      const r = await runAttack("read_symlink", {
        prepare: (workspace) => Deno.symlink(`${outside}/secret.txt`, `${workspace}/link`),
      });
      // Documented in docs/exec.md: the harness's pre-run check is what stops this; inside the
      // second wall the link dangles, since its target is not in the run's view.
      assert.deepEqual(
        verdicts(r.stdout),
        (await wallSupport()).available
          ? ["REFUSED NotFound: No such file or directory (os error 2): readfile 'link'"]
          : ["ALLOWED OUTSIDE SECRET"],
      );
    } finally {
      await Deno.remove(outside, { recursive: true });
    }
  });
});
