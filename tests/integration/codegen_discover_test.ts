import assert from "node:assert/strict";
import { join } from "node:path";
import { McpClientManager } from "../../lib/client/manager.ts";
import { CLI } from "../helpers/paths.ts";
import { assertGolden } from "../fixtures/codegen/helpers.ts";
import { deno, makeProject } from "../fixtures/codegen/project.ts";

async function writeDiscovery(dir: string, safeTools: Record<string, unknown>): Promise<void> {
  await Deno.writeTextFile(
    join(dir, "discovery_config.json"),
    JSON.stringify({ servers: { nasty: { safeTools } } }),
  );
}

Deno.test("mcpx discover infers types from real calls and wrappers use them", async (t) => {
  const dir = await makeProject(["nasty"]);
  const mcpx = (...args: string[]) => deno(dir, ["run", "-A", CLI, ...args]);
  const servers = join(dir, "servers", "nasty");
  try {
    await t.step("discover writes discovered_types.ts and regenerates the wrappers", async () => {
      await writeDiscovery(dir, {
        "echo-args": [{ text: "a" }, { text: "b", times: 2 }],
        "get-item": { id: "x" },
      });
      const result = await mcpx("discover");
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /nasty\.echo-args: ok/);
      const types = await Deno.readTextFile(join(servers, "discovered_types.ts"));
      assert.match(types, /echo-args \(2 sample\(s\)\)/);
      await assertGolden(
        "discovered/nasty/discovered_types.ts",
        types,
        (text) => text.replace(/^\/\/ Discovered on .*$/m, "// Discovered on <DATE>."),
      );
      const wrapper = await Deno.readTextFile(join(servers, "echo_args.ts"));
      assert.match(wrapper, /export type EchoArgsOutput = EchoArgsDiscovered;/);
      const other = await Deno.readTextFile(join(servers, "get_item.ts"));
      assert.match(other, /export type GetItemOutput = GetItemDiscovered;/);
    });

    await t.step("a skill gets the discovered type, checked and at run time", async () => {
      const skill = join(dir, "skill.ts");
      await Deno.writeTextFile(
        skill,
        `import { echoArgs } from "./servers/nasty/index.ts";
export async function run(): Promise<string[]> {
  const result = await echoArgs({ text: "hi", times: 3 });
  const words: string[] = result.words;
  const times: number = result.times;
  return [...words, String(times)];
}
`,
      );
      const checked = await deno(dir, ["check", "skill.ts", "servers/"]);
      assert.equal(checked.code, 0, checked.stderr);
      const manager = new McpClientManager({ cwd: dir });
      const undo = manager.install();
      try {
        const { run } = await import(skill);
        assert.deepEqual(await run(), ["hi", "3"]);
      } finally {
        undo();
        await manager.cleanup();
      }
    });

    await t.step("--verify finds no drift while responses keep their shape", async () => {
      const result = await mcpx("discover", "--verify");
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /no drift in 3 response\(s\)/);
    });

    await t.step("--verify reports each field that drifted, and exits 1", async () => {
      await writeDiscovery(dir, { "echo-args": { text: "c", times: 1.5 } });
      const result = await mcpx("discover", "--verify");
      assert.equal(result.code, 1);
      assert.match(
        result.stdout,
        /drift: nasty\.echo-args\n {2}\$\.times: expected integer, got number/,
      );
    });

    await t.step("a tool annotated destructive is never called, even when listed", async () => {
      await writeDiscovery(dir, { "echo-args": { text: "a" }, "delete-everything": {} });
      const result = await mcpx("discover");
      assert.equal(result.code, 1);
      assert.match(result.stderr, /destructiveHint: true and is never called/);
      assert.doesNotMatch(result.stderr, /DELETED/);
    });

    await t.step(
      "--draft --no-trial lists safe tools beside an existing config, calling nothing",
      async () => {
        const result = await mcpx("discover", "--draft", "--no-trial");
        assert.equal(result.code, 0, result.stderr);
        assert.doesNotMatch(result.stderr, /: ok\n|left out/);
        const draft = JSON.parse(await Deno.readTextFile(join(dir, "discovery_config.draft.json")));
        assert.deepEqual(Object.keys(draft.servers.nasty.safeTools), [
          "echo-args",
          "get-item",
          "get_item",
        ]);
        assert.ok(draft.servers.nasty.skipped.dangerous.includes("delete-everything"));
      },
    );

    await t.step(
      "--draft tries each safe call once and never a dangerous one",
      async () => {
        const result = await mcpx("discover", "--draft");
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stderr, /^nasty\.echo-args: ok$/m);
        assert.doesNotMatch(result.stderr, /delete-everything|DELETED/);
        const draft = JSON.parse(await Deno.readTextFile(join(dir, "discovery_config.draft.json")));
        const kept = Object.keys(draft.servers.nasty.safeTools);
        const failed = Object.keys(draft.servers.nasty.skipped.failed ?? {});
        // Every safe tool is either kept (its trial call worked) or left out with its error.
        assert.deepEqual([...kept, ...failed].sort(), ["echo-args", "get-item", "get_item"]);
        for (const tool of failed) {
          assert.match(result.stderr, new RegExp(`^nasty\\.${tool}: left out \\(`, "m"));
        }
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
