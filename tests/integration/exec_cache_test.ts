import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { ROOT } from "../helpers/paths.ts";
import { execProject } from "./_exec_project.ts";

const DEFINE = pathToFileURL(`${ROOT}/lib/skills/define.ts`).href;

/** A skill whose output comes from a local import, so that editing either file shows. */
function skillSource(extra = ""): string {
  return `import { z } from "zod";
import { defineSkill } from ${JSON.stringify(DEFINE)};
import { greeting } from "./helper.ts";
${extra}
export default defineSkill({
  args: z.object({ name: z.string().describe("Who") }),
  run(args) {
    console.log(\`\${greeting} \${args.name}\`);
  },
});
`;
}

const HIT = "[mcpx: exec cache hit]";
const REUSED = "[mcpx: inspection reused from the exec cache]";
const RAN = "[mcpx: inspection ran]";

Deno.test("mcpx exec caches what it learned about a skill and notices every change", async (t) => {
  await using project = await execProject();
  const cacheDir = `${project.root}/cache`;
  const env = { MCPX_CACHE_DIR: cacheDir };
  const skill = `${project.root}/skills/greet.ts`;
  await Deno.mkdir(`${project.root}/skills`);
  await Deno.writeTextFile(skill, skillSource());
  await Deno.writeTextFile(
    `${project.root}/skills/helper.ts`,
    'export const greeting = "hello";\n',
  );
  const run = (...argv: string[]) =>
    project.exec(["--verbose", "skills/greet.ts", ...argv], { env });

  await t.step("the first run misses, the second hits and reuses the inspection", async () => {
    const first = await run("--name", "Ada");
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, "hello Ada\n");
    assert.match(first.stderr, /\[mcpx: exec cache miss: no entry\]/);
    assert.ok(first.stderr.includes(RAN), first.stderr);
    const second = await run("--name", "Ada");
    assert.equal(second.stdout, "hello Ada\n");
    assert.ok(second.stderr.includes(HIT), second.stderr);
    assert.ok(second.stderr.includes(REUSED), second.stderr);
  });

  await t.step("other arguments are inspected again (and validated)", async () => {
    const other = await run("--name", "Grace");
    assert.equal(other.stdout, "hello Grace\n");
    assert.ok(other.stderr.includes(HIT) && other.stderr.includes(RAN), other.stderr);
    const invalid = await run("--nme", "Grace");
    assert.equal(invalid.code, 2, invalid.stderr);
    assert.equal(invalid.stdout, "");
    assert.ok((await run("--name", "Grace")).stderr.includes(REUSED));
  });

  await t.step("editing a local import invalidates the entry", async () => {
    await Deno.writeTextFile(`${project.root}/skills/helper.ts`, 'export const greeting = "hi";\n');
    const edited = await run("--name", "Ada");
    assert.equal(edited.stdout, "hi Ada\n");
    assert.match(edited.stderr, /exec cache miss: .*helper\.ts changed/);
    assert.ok(edited.stderr.includes(RAN), edited.stderr);
  });

  await t.step(
    "editing the skill invalidates it; a broken edit is refused, never reused",
    async () => {
      // Same size, different content: a content hash sees it where size alone would not.
      await Deno.writeTextFile(skill, skillSource().replace("Who", "Nom"));
      const edited = await run("--name", "Ada");
      assert.match(edited.stderr, /exec cache miss: .*greet\.ts changed/);
      assert.ok(edited.stderr.includes(RAN), edited.stderr);
      // A new top-level import that needs a permission fails the inspection: nothing is reused.
      await Deno.writeTextFile(skill, skillSource("Deno.readTextFileSync('/etc/hostname');"));
      const refused = await run("--name", "Ada");
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /without permissions/);
      assert.equal(refused.stdout, "");
    },
  );

  await t.step("a run that may write the cache folder clears it when it ends", async () => {
    await Deno.writeTextFile(skill, skillSource());
    assert.equal((await run("--name", "Ada")).code, 0);
    assert.ok((await run("--name", "Ada")).stderr.includes(HIT));
    const widened = await project.exec(
      ["--verbose", "--allow-write", cacheDir, "skills/greet.ts", "--name", "Ada"],
      { env },
    );
    assert.equal(widened.code, 0, widened.stderr);
    await assert.rejects(Deno.stat(`${cacheDir}/exec-cache`), Deno.errors.NotFound);
    assert.match((await run("--name", "Ada")).stderr, /exec cache miss: no entry/);
  });
});

Deno.test("mcpx exec: a plain script that rewrites its own import is re-read next time", async () => {
  await using project = await execProject();
  const env = { MCPX_CACHE_DIR: `${project.root}/cache` };
  await Deno.mkdir(project.workspace, { recursive: true });
  await Deno.writeTextFile(`${project.workspace}/value.ts`, "export const value = 1;\n");
  // The script lives in the workspace, so it may write its own module files.
  await Deno.writeTextFile(
    `${project.workspace}/bump.ts`,
    'import { value } from "./value.ts";\nconsole.log(value);\n' +
      'Deno.writeTextFileSync("value.ts", `export const value = ${value + 1};\\n`);\n',
  );
  const run = () => project.exec(["--verbose", "workspace/bump.ts"], { env });
  const outputs = [];
  for (let i = 0; i < 3; i++) {
    const r = await run();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /exec cache miss/);
    outputs.push(r.stdout.trim());
  }
  assert.deepEqual(outputs, ["1", "2", "3"]);
});

Deno.test("mcpx exec reuses inspections only under a lock file", async () => {
  await using project = await execProject();
  const env = { MCPX_CACHE_DIR: `${project.root}/cache` };
  // A project config without deno.lock: npm ranges could resolve differently next time.
  await Deno.writeTextFile(
    `${project.root}/deno.json`,
    JSON.stringify({ imports: { zod: "npm:zod@4.6.7" } }),
  );
  await Deno.mkdir(`${project.root}/skills`);
  await Deno.writeTextFile(`${project.root}/skills/helper.ts`, 'export const greeting = "hey";\n');
  await Deno.writeTextFile(`${project.root}/skills/greet.ts`, skillSource());
  const run = () => project.exec(["--verbose", "skills/greet.ts", "--name", "Ada"], { env });
  assert.equal((await run()).stdout, "hey Ada\n");
  const second = await run();
  assert.equal(second.stdout, "hey Ada\n");
  assert.ok(second.stderr.includes(HIT) && second.stderr.includes(RAN), second.stderr);
  await assert.rejects(Deno.stat(`${project.root}/deno.lock`), Deno.errors.NotFound);
});
