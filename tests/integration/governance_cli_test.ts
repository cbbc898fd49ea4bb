/**
 * The checkpoint through the CLI, end to end as subprocesses: a config with one rule of each
 * kind (allow, approve, block) plus `disabledTools` behaves as specified through `mcpx call`,
 * `mcpx tools`, `mcpx generate` and `mcpx exec` (through the bridge), approvals are asked on a
 * real pseudo-terminal (`script`), and `mcpx log` shows every call of a pipeline run.
 */
import assert from "node:assert/strict";
import { ROOT } from "../helpers/paths.ts";
import { project } from "../fixtures/governance/_project.ts";
import { skipUnless } from "../helpers/skip.ts";

const FIXTURE = `${ROOT}/tests/fixtures/governance/approve_and_block.ts`;

const POLICIES = {
  policies: {
    "everything.get-sum": "approve",
    "*.delete_*": "block",
    "memory.delete_entities_if_stale": "allow",
    "everything.echo": "allow",
  },
  memory: { disabledTools: ["add_observations"] },
};

Deno.test("mcpx call, tools and generate follow the policies", async (t) => {
  await using p = await project(POLICIES);

  await t.step("a blocked tool fails with TOOL_BLOCKED naming the rule", async () => {
    const run = await p.mcpx(["call", "memory", "delete_entities", "entityNames=[]"]);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      'error: memory.delete_entities is blocked by policy "*.delete_*" in mcp_config.json; ' +
        "the operator can change the rule there.\n",
    );
  });

  await t.step("disabledTools blocks too (a disabled delete was once still called)", async () => {
    const run = await p.mcpx(["call", "memory__add_observations", "--args", '{"observations":[]}']);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^error: memory\.add_observations is blocked by mcpServers\.memory\.disabledTools in mcp_config\.json/,
    );
  });

  await t.step("an allowed tool is called", async () => {
    const run = await p.mcpx(["call", "everything", "echo", "message=hi"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /hi/);
  });

  await t.step("without a terminal an approve rule fails with APPROVAL_REQUIRED", async () => {
    const run = await p.mcpx(["call", "everything", "get-sum", "a=1", "b=2"]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^error: everything\.get-sum needs approval \(policy "everything\.get-sum" in mcp_config\.json\)/,
    );
    assert.match(run.stderr, /--approve "everything\.get-sum"/);
  });

  await t.step("--approve pre-approves for one run", async () => {
    const run = await p.mcpx([
      "call",
      "everything",
      "get-sum",
      "a=1",
      "b=2",
      "--approve",
      "everything.get-*",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "The sum of 1 and 2 is 3.\n");
  });

  await t.step("mcpx tools does not list blocked tools", async () => {
    const run = await p.mcpx(["tools", "memory", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const names = (JSON.parse(run.stdout) as { name: string }[]).map((tool) => tool.name);
    assert.ok(names.includes("read_graph"));
    for (const hidden of ["delete_entities", "delete_relations", "add_observations"]) {
      assert.ok(!names.includes(hidden), `${hidden} is listed`);
    }
  });

  await t.step("mcpx generate writes no wrapper and no index line for a blocked tool", async () => {
    const run = await p.mcpx(["generate", "memory"]);
    assert.equal(run.code, 0, run.stderr);
    const index = await Deno.readTextFile(`${p.root}/servers/memory/index.ts`);
    assert.match(index, /"\.\/read_graph\.ts"/);
    assert.doesNotMatch(index, /delete_entities|delete_relations|add_observations/);
    await assert.rejects(
      Deno.stat(`${p.root}/servers/memory/delete_entities.ts`),
      Deno.errors.NotFound,
    );
    const catalog = await Deno.readTextFile(`${p.root}/servers/INDEX.md`);
    assert.doesNotMatch(catalog, /delete_entities/);
  });
});

Deno.test("approvals are asked on the terminal, never through the sandbox", async (t) => {
  const hasScript = await new Deno.Command("script", { args: ["--version"] }).output()
    .then((output) => output.success, () => false);
  if (skipUnless(hasScript, "util-linux script (pseudo-terminal) is not installed")) return;
  await using p = await project(POLICIES);

  await t.step("mcpx call: the question shows server, tool and arguments; y approves", async () => {
    const run = await p.onTerminal(["call", "everything", "get-sum", "a=1", "b=2"], "y\n");
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /Approve the tool call everything\.get-sum \(policy "everything\.get-sum" in mcp_config\.json\)\?/,
    );
    assert.match(run.stdout, /arguments: \{"a":1,"b":2\}/);
    assert.match(run.stdout, /The sum of 1 and 2 is 3\./);
  });

  await t.step("mcpx exec: a refusal is an APPROVAL_DENIED error the script catches", async () => {
    const run = await p.onTerminal(["exec", "--servers", "everything,memory", FIXTURE], "n\n");
    assert.equal(run.code, 0, run.stdout);
    assert.match(
      run.stdout,
      /delete: TOOL_BLOCKED memory\.delete_entities is blocked by policy "\*\.delete_\*"/,
    );
    assert.match(run.stdout, /tty: (NotCapable|PermissionDenied)/);
    assert.match(run.stdout, /audit: (NotCapable|PermissionDenied)/);
    const log = await Deno.readTextFile(`${p.root}/state/mcpx/audit.jsonl`);
    assert.doesNotMatch(log, /forged/);
    assert.match(
      run.stdout,
      /sum: APPROVAL_DENIED Tool "everything\.get-sum" failed: the call was denied/,
    );
  });

  await t.step("mcpx exec: y approves the call through the bridge", async () => {
    const run = await p.onTerminal(["exec", "--servers", "everything,memory", FIXTURE], "y\n");
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /sum: "The sum of 20 and 22 is 42\."/);
  });
});

Deno.test("mcpx log shows every call of a pipeline run under one run id", async () => {
  await using p = await project({ policies: { "everything.*": "allow" } });
  const run = await p.mcpx([
    "exec",
    "--json",
    `${ROOT}/skills/multi_tool_pipeline.ts`,
    "--target",
    "cache",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const { runId } = JSON.parse(run.stdout);
  const log = await p.mcpx(["log", "--json", "--tail", "0"]);
  assert.equal(log.code, 0, log.stderr);
  const records = log.stdout.trim().split("\n").map((line) => JSON.parse(line));
  const runLine = records.find((r) => r.type === "run");
  assert.equal(runLine.run, runId);
  assert.equal(runLine.outcome, "ok");
  assert.equal(runLine.caller, "cli");
  assert.match(runLine.skill, /multi_tool_pipeline\.ts$/);
  const mine = await p.mcpx(["log", "--run", runLine.run, "--json"]);
  const calls = mine.stdout.trim().split("\n").map((line) => JSON.parse(line))
    .filter((r) => r.type === "call");
  assert.equal(calls.length, runLine.calls);
  const tools = calls.map((c) => `${c.server}.${c.tool}`);
  assert.deepEqual(tools.slice(0, 3), [
    "memory.create_entities",
    "memory.create_relations",
    "memory.read_graph",
  ]);
  assert.ok(tools.includes("everything.get-sum"));
  assert.equal(tools.at(-1), "memory.delete_entities");
  for (const call of calls) {
    assert.equal(call.run, runLine.run);
    assert.equal(call.outcome, "ok");
    assert.match(call.args, /^sha256:[0-9a-f]{64}$/);
    assert.ok(call.resultBytes > 0);
  }
  const human = await p.mcpx(["log", "--run", runLine.run]);
  assert.match(human.stdout, /call {2}everything\.get-sum {2}allow {2}ok/);
  const stat = await Deno.stat(`${p.root}/state/mcpx/audit.jsonl`);
  assert.equal(stat.mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(`${p.root}/state/mcpx`)).mode! & 0o777, 0o700);
});
