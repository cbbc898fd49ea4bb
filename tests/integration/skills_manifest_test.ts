import assert from "node:assert/strict";
import { inspectSkill } from "../../lib/skills/manifest.ts";
import { SkillError } from "../../lib/errors.ts";
import { ROOT } from "../helpers/paths.ts";

const workspace = `${ROOT}/workspace`;
const options = { root: ROOT, workspace };
const fixture = (name: string) => `tests/fixtures/skills/${name}.ts`;

async function rejection(path: string, argv: string[] = []): Promise<SkillError> {
  try {
    await inspectSkill(path, argv, options);
  } catch (error) {
    assert.ok(error instanceof SkillError, String(error));
    return error;
  }
  assert.fail(`expected ${path} to be refused`);
}

Deno.test("inspectSkill() reads the manifest and resolves argument references", async () => {
  const inspection = await inspectSkill(fixture("greet"), [
    "--who",
    "Ada",
    "--site",
    "http://127.0.0.1:8080/x",
    "--out",
    "notes/a.txt",
    "--tag",
    "x",
    "--no-loud",
  ], options);
  assert.deepEqual(inspection, {
    kind: "skill",
    name: "greet",
    servers: ["everything"],
    permissions: {
      net: ["127.0.0.1:8080", "example.org:443"],
      read: [],
      write: [`${workspace}/notes/a.txt`],
      env: [],
    },
    args: {
      who: "Ada",
      site: "http://127.0.0.1:8080/x",
      out: "notes/a.txt",
      tag: ["x"],
      loud: false,
    },
  });
});

Deno.test("inspectSkill() runs the skill's top-level code with no permission at all", async () => {
  const inspection = await inspectSkill(fixture("no_permissions"), ["--dir", "data"], options);
  assert.equal(inspection.kind, "skill");
  assert.ok(inspection.kind === "skill");
  assert.deepEqual(inspection.permissions, {
    net: [],
    read: [`${workspace}/data`],
    write: [],
    env: ["HOME"],
  });
  const refused = await rejection(fixture("needs_read"));
  assert.equal(refused.code, "SKILL_INVALID");
  assert.match(refused.message, /^Cannot load tests\/fixtures\/skills\/needs_read\.ts without/);
  assert.match(refused.message, /Requires read access/);
  assert.match(refused.message, /move file, network and env access into run\(\)/);
});

Deno.test("inspectSkill() answers --help with the USAGE header and the flags table", async () => {
  const inspection = await inspectSkill(fixture("greet"), ["--help"], options);
  assert.ok(inspection.kind === "skill" && inspection.help !== undefined);
  assert.match(inspection.help, /^greet\nGreets someone and reports what it was given/);
  assert.match(inspection.help, /\nFlags:\n {2}--who +string +required +Whom to greet\n/);
  assert.deepEqual(inspection.args, {});
});

Deno.test("inspectSkill() refuses invalid arguments before anything runs", async (t) => {
  await t.step("one line per problem, then how to get help", async () => {
    const error = await rejection(fixture("greet"), ["--times", "abc", "--mode", "xml"]);
    assert.equal(error.code, "INVALID_ARGUMENTS");
    assert.equal(
      error.message,
      [
        '--times: expected an integer, got "abc"',
        '--mode: expected one of plain, json; got "xml"',
        "--who: required (Whom to greet)",
        'Run "mcpx exec tests/fixtures/skills/greet.ts --help" for its flags.',
      ].join("\n"),
    );
  });
  await t.step("a path argument may not leave the workspace", async () => {
    const error = await rejection(fixture("greet"), ["--who", "x", "--out", "/etc/passwd"]);
    assert.equal(error.code, "INVALID_ARGUMENTS");
    assert.match(
      error.message,
      /^--out: "\/etc\/passwd" resolves to \/etc\/passwd, outside the workspace /,
    );
    assert.match(error.message, /--allow-write=<dir> before the skill path/);
  });
  await t.step("unless the user widened that root", async () => {
    const inspection = await inspectSkill(fixture("greet"), ["--who", "x", "--out", "/tmp/o"], {
      ...options,
      widened: { write: ["/tmp"] },
    });
    assert.ok(inspection.kind === "skill");
    assert.deepEqual(inspection.permissions.write, ["/tmp/o"]);
  });
  await t.step("a URL argument must have a host", async () => {
    const error = await rejection(fixture("greet"), ["--who", "x", "--site", "mailto:a@b"]);
    assert.match(error.message, /^--site: "mailto:a@b" is not a URL with a host/);
  });
});

Deno.test("inspectSkill() tells plain scripts from skills and refuses broken ones", async (t) => {
  await t.step("a module without a default export is a script", async () => {
    assert.deepEqual(await inspectSkill(fixture("plain_script"), ["--anything"], options), {
      kind: "script",
    });
  });
  await t.step("a default export that is not a skill", async () => {
    const error = await rejection(fixture("not_a_skill"));
    assert.equal(error.code, "SKILL_INVALID");
    assert.match(error.message, /default export is not a skill: write "export default defineSkill/);
  });
  await t.step("an argument without a description", async () => {
    const error = await rejection(fixture("undescribed"));
    assert.equal(error.code, "SKILL_INVALID");
    assert.match(error.message, /^Argument "url" has no description: add \.describe/);
  });
  await t.step("a permission referencing no argument", async () => {
    const error = await rejection(fixture("bad_reference"));
    assert.match(error.message, /permissions\.net has \{"fromArg":"link"\}.*naming one of: url/);
  });
  await t.step("a file that does not exist", async () => {
    const error = await rejection("skills/nope.ts");
    assert.match(error.message, /^Cannot read skills\/nope\.ts/);
  });
});

Deno.test("inspectSkill() reads the ready skills", async () => {
  const fetch = await inspectSkill("skills/fetch.ts", ["--url", "https://example.com/x"], options);
  assert.ok(fetch.kind === "skill");
  assert.deepEqual(fetch.servers, ["filesystem"]);
  assert.deepEqual(fetch.permissions.net, ["example.com"]);
  const pipeline = await inspectSkill("skills/multi_tool_pipeline.ts", [], options);
  assert.ok(pipeline.kind === "skill");
  assert.deepEqual(pipeline.servers, ["memory", "everything"]);
});
