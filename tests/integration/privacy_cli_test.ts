import assert from "node:assert/strict";
import { join } from "node:path";
import { privacyProject, realValues } from "../fixtures/privacy/_project.ts";

function assertNoPii(text: string): void {
  for (const value of realValues()) assert.ok(!text.includes(value), `${value} leaked: ${text}`);
}

Deno.test("with privacy on, the CLI prints placeholders and restores them in the next command", async (t) => {
  const state = await Deno.makeTempDir({ prefix: "mcpx_state_" });
  await using project = await privacyProject(state);
  let email = "";

  await t.step("a skill reading personal records prints only placeholders", async () => {
    const r = await project.mcpx(["exec", "skills/read_customers.ts"]);
    assert.equal(r.code, 0, r.stderr);
    assertNoPii(r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /^Ann Lee <\[EMAIL_1_[a-z0-9]{4}\]> phone \[PHONE_1_[a-z0-9]{4}\] card \[CARD_1_[a-z0-9]{4}\] last login from \[IPV4_1_[a-z0-9]{4}\]$/m,
    );
    assert.match(r.stdout, /\[IPV6_1_[a-z0-9]{4}\]/);
    email = r.stdout.match(/\[EMAIL_1_[a-z0-9]{4}\]/)![0];
    // The same value gets the same placeholder, in stderr too.
    assert.ok(r.stderr.includes(`first contact ${email}`), r.stderr);
  });

  await t.step("the vault is a 0600 file in the state directory", () => {
    const dir = join(state, "mcpx", "privacy");
    const files = [...Deno.readDirSync(dir)];
    assert.equal(files.length, 1);
    assert.equal(Deno.statSync(join(dir, files[0]!.name)).mode! & 0o777, 0o600);
    assert.equal(Deno.statSync(dir).mode! & 0o777, 0o700);
  });

  await t.step("mcpx privacy shows the project's vault", async () => {
    const r = await project.mcpx(["privacy", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const status = JSON.parse(r.stdout);
    assert.equal(status.enabled, true);
    assert.equal(status.project, project.root);
    assert.equal(status.entries, 8); // 2 e-mails, phones, cards; 1 IPv4, 1 IPv6
    assert.ok(status.vault.startsWith(join(state, "mcpx", "privacy")));
    assert.equal((await project.mcpx(["privacy", "--all"])).code, 2);
  });

  await t.step("a second exec run prints the same placeholders (stable per project)", async () => {
    const r = await project.mcpx(["exec", "--json", "skills/read_customers.ts"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.ok(out.stdout.includes(email));
    assertNoPii(r.stdout);
    assert.ok(out.tokens.toolResults > 0, JSON.stringify(out.tokens));
    assert.equal(out.tokens.saved, out.tokens.toolResults - out.tokens.output);
    assert.match(out.tokens.tokenizer, /o200k_base/);
  });

  await t.step("a placeholder in a skill argument reaches the tool as the real value", async () => {
    const r = await project.mcpx([
      "exec",
      "skills/write_note.ts",
      "--to",
      email,
      "--text",
      "hello",
      "--file",
      "note.txt",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `wrote a note for ${email}\n`);
    assert.equal(
      await Deno.readTextFile(join(project.workspace, "note.txt")),
      "ann.lee@example.com: hello\n",
    );
  });

  await t.step(
    "a placeholder in a mcpx call argument is restored; the output is masked",
    async () => {
      const path = join(project.workspace, "call.txt");
      const r = await project.mcpx([
        "call",
        "filesystem",
        "write_file",
        `path=${path}`,
        `content=to ${email}`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await Deno.readTextFile(path), "to ann.lee@example.com");
      const read = await project.mcpx(["call", "filesystem", "read_text_file", `path=${path}`]);
      assert.equal(read.code, 0, read.stderr);
      assert.ok(read.stdout.includes(email) && !read.stdout.includes("ann.lee@"), read.stdout);
    },
  );

  await t.step("a placeholder from another project is not restored, with a warning", async () => {
    await using other = await privacyProject(state);
    const path = join(other.workspace, "x.txt");
    const r = await other.mcpx([
      "call",
      "filesystem",
      "write_file",
      `path=${path}`,
      `content=${email}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await Deno.readTextFile(path), email);
    assert.match(
      r.stderr,
      /^warning: \[EMAIL_1_[a-z0-9]{4}\] is not a placeholder of this project \(another project or session made it, or it expired\); passed on literally$/m,
    );
  });

  await t.step("a value written in pieces without a line end is still masked whole", async () => {
    const script = join(project.workspace, "split.ts");
    await Deno.writeTextFile(
      script,
      [
        "const out = new TextEncoder();",
        'await Deno.stdout.write(out.encode("mail ann.lee@exa"));',
        "await new Promise((r) => setTimeout(r, 200));",
        'await Deno.stdout.write(out.encode("mple.com now"));',
      ].join("\n"),
    );
    const r = await project.mcpx(["exec", script]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `mail ${email} now`);
  });

  await t.step("code in the sandbox cannot read the vault", async () => {
    const dir = join(state, "mcpx", "privacy");
    const vault = join(dir, [...Deno.readDirSync(dir)][0]!.name);
    const script = join(project.workspace, "steal.ts");
    await Deno.writeTextFile(
      script,
      `try { console.log(await Deno.readTextFile(${JSON.stringify(vault)})); } ` +
        `catch (e) { console.log((e as Error).name); }`,
    );
    const r = await project.mcpx(["exec", script]);
    assert.equal(r.stdout, "NotCapable\n", r.stderr);
  });

  await t.step("mcpx tokens --runs sums the recorded runs", async () => {
    const r = await project.mcpx(["tokens", "--runs", "5", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const sum = JSON.parse(r.stdout);
    assert.equal(sum.runs, 5);
    assert.ok(sum.toolResults > 0 && sum.toolCalls === 3, r.stdout);
    const text = await project.mcpx(["tokens", "--runs"]);
    assert.match(text.stdout, /^last 5 run\(s\), 3 tool call\(s\)$/m);
    assert.equal((await project.mcpx(["tokens", "--runs", "0"])).code, 2);
  });

  await t.step("mcpx privacy --clear forgets the project's placeholders", async () => {
    assert.equal((await project.mcpx(["privacy", "--clear"])).code, 0);
    const path = join(project.workspace, "after.txt");
    const r = await project.mcpx([
      "call",
      "filesystem",
      "write_file",
      `path=${path}`,
      `content=${email}`,
    ]);
    assert.equal(await Deno.readTextFile(path), email);
    assert.match(r.stderr, /is not a placeholder of this project/);
  });
  await Deno.remove(state, { recursive: true });
});

Deno.test("with privacy off (the default), output and arguments pass unchanged", async () => {
  const state = await Deno.makeTempDir({ prefix: "mcpx_state_" });
  await using project = await privacyProject(state, false);
  const r = await project.mcpx(["exec", "skills/read_customers.ts"]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes("ann.lee@example.com"));
  await assert.rejects(Deno.stat(join(state, "mcpx", "privacy")), Deno.errors.NotFound);
  await Deno.remove(state, { recursive: true });
});
