import assert from "node:assert/strict";
import { TOOL_CALLER_KEY } from "../../lib/client/types.ts";
import { ROOT, SERVERS } from "../helpers/paths.ts";
import { StdioCaller } from "../fixtures/skills/stdio_caller.ts";
import { runSkillInProcess } from "../fixtures/skills/run_in_process.ts";

const SKILL = `${ROOT}/skills/multi_tool_pipeline.ts`;

const pipeline = async (argv: string[], workspace: string) => {
  const { inspection: _, ...run } = await runSkillInProcess(SKILL, argv, workspace);
  return run;
};

Deno.test("skills/multi_tool_pipeline.ts combines memory and everything, printing one line", async (t) => {
  const workspace = await Deno.makeTempDir({ prefix: "mcpx-pipeline-" });
  const previous = (globalThis as Record<symbol, unknown>)[TOOL_CALLER_KEY];
  await using caller = new StdioCaller({
    memory: { specifier: SERVERS.memory, env: { MEMORY_FILE_PATH: `${workspace}/memory.jsonl` } },
    everything: { specifier: SERVERS.everything },
  });
  (globalThis as Record<symbol, unknown>)[TOOL_CALLER_KEY] = caller;
  try {
    await t.step("dependents of db, totalled with get-sum; memory cleaned afterwards", async () => {
      const r = await pipeline([], workspace);
      assert.deepEqual(r, {
        code: 0,
        stdout: '{"target":"db","dependents":["api","web","worker"],"instances":9}',
        stderr: "",
      });
      const servers = new Set(caller.calls.map((call) => call.split(".")[0]));
      assert.deepEqual([...servers].sort(), ["everything", "memory"]);
      assert.ok(caller.calls.length >= 3);
      const graph = (await caller.callTool("memory", "read_graph")).value as {
        entities: unknown[];
      };
      assert.deepEqual(graph.entities, []);
    });
    await t.step("--target and --keep", async () => {
      const r = await pipeline(["--target", "cache", "--namespace", "t2", "--keep"], workspace);
      assert.equal(r.stdout, '{"target":"cache","dependents":["api","web"],"instances":5}');
      const graph = (await caller.callTool("memory", "read_graph")).value as {
        entities: { name: string }[];
      };
      assert.equal(graph.entities.filter((e) => e.name.startsWith("t2/")).length, 6);
    });
  } finally {
    (globalThis as Record<symbol, unknown>)[TOOL_CALLER_KEY] = previous;
    await caller.close();
    await Deno.remove(workspace, { recursive: true });
  }
});
