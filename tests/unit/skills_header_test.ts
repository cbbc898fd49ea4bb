import assert from "node:assert/strict";
import { extractHeader } from "../../lib/skills/header.ts";
import { listSkills, readSkillUsage } from "../../lib/skills/catalog.ts";
import { UsageError } from "../../lib/errors.ts";

Deno.test("extractHeader() reads the first comment block without running code", async (t) => {
  await t.step("a JSDoc block: name line, then the purpose", () => {
    const header = extractHeader(
      "/**\n * skills/fetch.ts\n * Fetch a page.\n *\n * Arguments:\n *   --url URL  the page\n */\nimport x from 'y';\n",
    );
    assert.deepEqual(header, {
      text: "skills/fetch.ts\nFetch a page.\n\nArguments:\n  --url URL  the page",
      name: "skills/fetch.ts",
      purpose: "Fetch a page.",
    });
  });
  await t.step("line comments after a shebang", () => {
    const header = extractHeader(
      "#!/usr/bin/env -S deno run\n// tool\n//\n// Does a thing.\ncode();\n// later\n",
    );
    assert.deepEqual(header, {
      text: "tool\n\nDoes a thing.",
      name: "tool",
      purpose: "Does a thing.",
    });
  });
  await t.step("name and purpose on one line", () => {
    assert.equal(extractHeader("/** sum: Adds numbers. */")?.purpose, "Adds numbers.");
    assert.equal(extractHeader("// sum - Adds numbers.\n")?.name, "sum");
  });
  await t.step("no leading comment, no header", () => {
    assert.equal(extractHeader("import x from 'y';\n/** late */\n"), undefined);
    assert.equal(extractHeader(""), undefined);
  });
});

Deno.test("listSkills() lists skill files with their purpose, skipping private ones", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mcpx-catalog-" });
  try {
    await Deno.writeTextFile(`${dir}/b_skill.ts`, "// b_skill\n// Second one.\n");
    await Deno.writeTextFile(`${dir}/a_skill.ts`, "/**\n * a_skill\n * First one.\n */\n");
    await Deno.writeTextFile(`${dir}/bare.ts`, "console.log(1);\n");
    await Deno.writeTextFile(`${dir}/_helper.ts`, "// private\n");
    await Deno.writeTextFile(`${dir}/a_skill_test.ts`, "// test\n");
    await Deno.writeTextFile(`${dir}/README.md`, "# readme\n");
    assert.deepEqual(await listSkills(dir), [
      { name: "a_skill", file: `${dir}/a_skill.ts`, purpose: "First one." },
      { name: "b_skill", file: `${dir}/b_skill.ts`, purpose: "Second one." },
      { name: "bare", file: `${dir}/bare.ts`, purpose: "" },
    ]);
    assert.equal(await readSkillUsage(dir, "skills/a_skill.ts"), "a_skill\nFirst one.");
    assert.match(await readSkillUsage(dir, "bare"), /^bare: no USAGE header/);
    await assert.rejects(
      () => readSkillUsage(dir, "nope"),
      (e: unknown) => e instanceof UsageError && /skills: a_skill, b_skill, bare/.test(e.message),
    );
    assert.deepEqual(await listSkills(`${dir}/missing`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
