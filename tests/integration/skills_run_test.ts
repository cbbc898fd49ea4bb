import assert from "node:assert/strict";
import { inspectSkill } from "../../lib/skills/manifest.ts";
import { runSkillModule } from "../../lib/skills/run.ts";
import { TOOL_CALLER_KEY } from "../../lib/client/types.ts";
import { ROOT, SERVERS } from "../helpers/paths.ts";
import { StdioCaller } from "../fixtures/skills/stdio_caller.ts";

const fixture = (name: string) => `${ROOT}/tests/fixtures/skills/${name}.ts`;
const workspace = `${ROOT}/workspace`;

/** Runs a skill in-process, capturing console.log and the stderr writer. */
async function run(module: string | Record<string, unknown>, args: unknown, verbose = false) {
  const out: string[] = [];
  let err = "";
  const log = console.log;
  console.log = (...data: unknown[]) => out.push(data.join(" "));
  try {
    const code = await runSkillModule(module, args, {
      workspace,
      verbose,
      stderr: (text) => err += text,
    });
    return { code, stdout: out.join("\n"), stderr: err };
  } finally {
    console.log = log;
  }
}

Deno.test("runSkillModule() validates the arguments again and calls run()", async (t) => {
  await t.step("defaults apply and the output is the skill's", async () => {
    const r = await run(fixture("greet"), { who: "Ada", times: 2, loud: true });
    assert.deepEqual(r, {
      code: 0,
      stdout: "HELLO ADA\nHELLO ADA",
      stderr: `workspace=${workspace}\n`,
    });
  });
  await t.step("a returned number is the exit status", async () => {
    assert.equal((await run(fixture("greet"), { who: "x", tag: ["fail"] })).code, 3);
    assert.equal((await run(fixture("failing"), { status: 7 })).code, 7);
  });
  await t.step("invalid arguments are one error line and status 1", async () => {
    const r = await run(fixture("greet"), { who: 5 });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      "error: Invalid arguments: who: Invalid input: expected string, received number\n",
    );
  });
});

Deno.test("runSkillModule() turns a thrown error into one error line, stack with verbose", async () => {
  const previous = (globalThis as Record<symbol, unknown>)[TOOL_CALLER_KEY];
  await using caller = new StdioCaller({ everything: { specifier: SERVERS.everything } });
  (globalThis as Record<symbol, unknown>)[TOOL_CALLER_KEY] = caller;
  try {
    const r = await run(fixture("failing"), {});
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'error: This skill may not call server "memory": add it to servers in its defineSkill() ' +
        "(allowed: everything).\n",
    );
    const verbose = await run(fixture("failing"), {}, true);
    assert.match(verbose.stderr, /^error: This skill may not call server "memory"/);
    assert.match(verbose.stderr, /\n {4}at /);
    assert.deepEqual(caller.calls, [], "the refused call never reached a server");
  } finally {
    (globalThis as Record<symbol, unknown>)[TOOL_CALLER_KEY] = previous;
  }
});

Deno.test("runSkillModule() calls tools through the installed caller", async () => {
  const previous = (globalThis as Record<symbol, unknown>)[TOOL_CALLER_KEY];
  await using caller = new StdioCaller({ everything: { specifier: SERVERS.everything } });
  (globalThis as Record<symbol, unknown>)[TOOL_CALLER_KEY] = caller;
  try {
    const module = {
      default: (await import("../../lib/skills/define.ts")).defineSkill({
        args: (await import("zod")).z.object({}),
        servers: ["everything"],
        async run(_args, ctx) {
          const result = await ctx.callTool("everything", "echo", { message: "hi" });
          console.log(String(result.value));
          return (await ctx.listTools("everything")).some((tool) => tool.name === "get-sum")
            ? 0
            : 5;
        },
      }),
    };
    assert.deepEqual(await run(module, {}), { code: 0, stdout: "Echo: hi", stderr: "" });
    assert.deepEqual(caller.calls, ["everything.echo"]);
  } finally {
    (globalThis as Record<symbol, unknown>)[TOOL_CALLER_KEY] = previous;
  }
});

Deno.test("runSkillModule() without an installed caller says to use mcpx exec", async () => {
  const r = await run(fixture("failing"), { server: "everything" });
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    "error: No tool caller is installed: run the skill with mcpx exec, which connects it to the " +
      "bridge.\n",
  );
});

Deno.test("runSkillModule() imports a plain script, which is the run", async () => {
  const r = await run(fixture("plain_script"), {});
  assert.deepEqual(r, { code: 0, stdout: "plain script ran", stderr: "" });
});

Deno.test("the skills/README.md example skill works as documented", async () => {
  const readme = await Deno.readTextFile(`${ROOT}/skills/README.md`);
  const fixtureSource = await Deno.readTextFile(fixture("word_count"));
  assert.ok(
    readme.includes(fixtureSource.replace("../../../lib/skills/", "../lib/skills/")),
    "tests/fixtures/skills/word_count.ts is a copy of the README's example",
  );
  const dir = await Deno.makeTempDir({ prefix: "mcpx-wc-" });
  const previous = (globalThis as Record<symbol, unknown>)[TOOL_CALLER_KEY];
  await using caller = new StdioCaller({ everything: { specifier: SERVERS.everything } });
  (globalThis as Record<symbol, unknown>)[TOOL_CALLER_KEY] = caller;
  try {
    await Deno.writeTextFile(`${dir}/notes.md`, "a b a\n");
    const inspection = await inspectSkill(fixture("word_count"), [
      "--file",
      "notes.md",
      "--top",
      "1",
    ], {
      root: ROOT,
      workspace: dir,
    });
    assert.ok(inspection.kind === "skill");
    assert.deepEqual(inspection.permissions.read, [`${dir}/notes.md`]);
    const out: string[] = [];
    let err = "";
    const log = console.log;
    console.log = (...data: unknown[]) => out.push(data.join(" "));
    const code = await runSkillModule(fixture("word_count"), inspection.args, {
      workspace: dir,
      stderr: (text) => err += text,
    }).finally(() => console.log = log);
    assert.equal(code, 0);
    assert.deepEqual(out, ['{"words":3,"top":{"a":2}}']);
    assert.equal(err, "server said: Echo: 3\n");
  } finally {
    (globalThis as Record<symbol, unknown>)[TOOL_CALLER_KEY] = previous;
    await caller.close();
    await Deno.remove(dir, { recursive: true });
  }
});
