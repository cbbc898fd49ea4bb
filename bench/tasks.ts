/**
 * `deno task bench:tasks [--config PATH]`: the task benchmark. Three multi-step tasks over the
 * default servers, each measured twice in tokens:
 *
 * - as a tool-calling agent sees it: the prompt, every configured server's tool definitions (as
 *   `mcpx tokens` counts them), every tool call the agent writes and every result it reads
 *   (computed by replaying the same calls against the real servers), and its answer;
 * - through mcpx: the prompt, `ls bench/skills` plus the skill's USAGE header, the command, and
 *   the skill's output (the skill really runs, in the sandbox, against the same servers).
 *
 * Prints a Markdown table (`--json`: JSON; `--show`: each skill's output on stderr); the inputs are written under `workspace/bench_tasks/`
 * and removed afterwards.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { fromFileUrl } from "../tests/helpers/_node_path.ts";
import { loadConfig } from "../lib/config/load.ts";
import { McpClientManager } from "../lib/client/manager.ts";
import type { ToolResult } from "../lib/client/types.ts";
import { execSkill } from "../lib/harness/exec.ts";
import { extractHeader } from "../lib/skills/header.ts";
import { countTokens } from "../lib/tokens/count.ts";
import { TOKENIZER } from "../lib/tokens/tokenizer.ts";
import { resultText } from "../lib/tokens/run_tokens.ts";
import { customers, notes, SERVICES, transform } from "./skills/_task_data.ts";
import { listMcpxTools } from "../lib/serve/tools_list.ts";

const ROOT = fromFileUrl(new URL("..", import.meta.url));

/** What the replay gives a task: one recorded tool call. */
type Call = (server: string, tool: string, args: Record<string, unknown>) => Promise<ToolResult>;

interface Task {
  name: string;
  prompt: string;
  skill: string;
  argv: string[];
  /** The calls an agent makes, in order, deciding as it reads; returns nothing. */
  agent(call: Call, workspace: string): Promise<void>;
}

const text = (result: ToolResult) => resultText(result);

const TASKS: Task[] = [
  {
    name: "dependency graph in memory",
    prompt:
      "Record our 23 services and what each calls in the knowledge graph, then tell me every " +
      "service that depends on orders_db directly or indirectly, and their instance total. " +
      "Remove the entities afterwards.",
    skill: "dep_graph",
    argv: ["--target", "orders_db"],
    async agent(call) {
      const id = (s: string) => `bench/${s}`;
      const names = Object.keys(SERVICES);
      await call("memory", "create_entities", {
        entities: names.map((name) => ({
          name: id(name),
          entityType: "service",
          observations: [`instances: ${SERVICES[name]!.instances}`],
        })),
      });
      await call("memory", "create_relations", {
        relations: names.flatMap((from) =>
          SERVICES[from]!.dependsOn.map((to) => ({
            from: id(from),
            to: id(to),
            relationType: "calls",
          }))
        ),
      });
      // search_nodes and open_nodes return only relations between the nodes they match, so an
      // agent reads the whole graph once and walks it itself (the cheapest way it can).
      await call("memory", "read_graph", {});
      await call("memory", "delete_entities", { entityNames: names.map(id) });
    },
  },
  {
    name: "search and summarise workspace files",
    prompt:
      'For each note in bench_tasks/notes, tell me how many lines mention "timeout" and quote ' +
      "the first one; then the total.",
    skill: "summarise_notes",
    argv: ["--word", "timeout"],
    async agent(call, workspace) {
      const dir = join(workspace, "bench_tasks/notes");
      const listing = text(await call("filesystem", "list_directory", { path: dir }));
      const files = [...listing.matchAll(/^\[FILE\] (.+)$/gm)].map((m) => m[1]!).sort();
      await call("filesystem", "read_multiple_files", { paths: files.map((f) => join(dir, f)) });
    },
  },
  {
    name: "50-record transform",
    prompt:
      "Clean bench_tasks/customers.json: trim and capitalise names, replace birth year by an age " +
      "group (<30, 30-49, 50-64, 65+), spent as integer cents; write it to " +
      "bench_tasks/customers.out.json and give me counts per country and age group.",
    skill: "transform_records",
    argv: [],
    async agent(call, workspace) {
      const path = join(workspace, "bench_tasks/customers.json");
      const read = text(await call("filesystem", "read_text_file", { path }));
      const out = (JSON.parse(read) as ReturnType<typeof customers>).map(transform);
      await call("filesystem", "write_file", {
        path: join(workspace, "bench_tasks/customers.out.json"),
        content: JSON.stringify(out, null, 2),
      });
    },
  },
];

async function setup(workspace: string): Promise<void> {
  const dir = join(workspace, "bench_tasks");
  await Deno.mkdir(join(dir, "notes"), { recursive: true });
  for (const [name, body] of Object.entries(notes())) {
    await Deno.writeTextFile(join(dir, "notes", name), body);
  }
  await Deno.writeTextFile(join(dir, "customers.json"), JSON.stringify(customers(), null, 2));
}

/** One task's measurement. */
export interface TaskRow {
  task: string;
  toolCalls: number;
  agent: { definitions: number; calls: number; results: number; total: number };
  mcpx: { header: number; output: number; total: number; viaServe: number };
  ratio: number;
  ratioViaServe: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      config: { type: "string" },
      json: { type: "boolean" },
      show: { type: "boolean" },
    },
  });
  const config = await loadConfig({
    cwd: ROOT,
    ...(values.config === undefined ? {} : { path: values.config }),
  });
  const workspace = join(config.root, "workspace");
  await setup(workspace);
  const manager = new McpClientManager({ config });
  const rows: TaskRow[] = [];
  try {
    const enabled = Object.values(config.servers).filter((s) => !s.disabled).map((s) => s.name);
    const definitions = countTokens(
      (await Promise.all(
        enabled.map(async (name) => JSON.stringify({ tools: await manager.listTools(name) })),
      )).join("\n"),
    );
    const serveTools = countTokens(JSON.stringify({ tools: await listMcpxTools() }));
    const skillsDir = join(ROOT, "bench/skills");
    const listing = [...Deno.readDirSync(skillsDir)].map((e) => e.name)
      .filter((n) => !n.startsWith("_")).sort().join("\n");
    for (const task of TASKS) {
      const calls: string[] = [];
      const results: string[] = [];
      await task.agent(async (server, tool, args) => {
        calls.push(JSON.stringify({ type: "tool_use", name: `${server}__${tool}`, input: args }));
        const result = await manager.callTool(server, tool, args);
        results.push(text(result));
        return result;
      }, workspace);
      let stdout = "";
      const decoder = new TextDecoder();
      const file = join(skillsDir, `${task.skill}.ts`);
      const run = await execSkill(file, task.argv, {
        config,
        caller: manager,
        onStdout: (chunk) => stdout += decoder.decode(chunk, { stream: true }),
        onStderr: (chunk) => void Deno.stderr.writeSync(chunk),
      });
      if (run.exitCode !== 0) throw new Error(`${task.skill} exited ${run.exitCode}`);
      if (values.show) console.error(`--- ${task.skill} ---\n${stdout}`);
      const header = extractHeader(await Deno.readTextFile(file))!.text;
      const command = `mcpx exec bench/skills/${task.skill}.ts ${task.argv.join(" ")}`;
      const prompt = countTokens(task.prompt);
      const answer = countTokens(stdout); // the agent's final answer says the same
      const agent = {
        definitions,
        calls: countTokens(calls.join("\n")),
        results: countTokens(results.join("\n")),
        total: 0,
      };
      agent.total = prompt + agent.definitions + agent.calls + agent.results + answer;
      const mcpxHeader = countTokens(`${listing}\n${header}\n${command}`);
      const mcpx = { header: mcpxHeader, output: countTokens(stdout), total: 0, viaServe: 0 };
      mcpx.total = prompt + mcpx.header + mcpx.output;
      mcpx.viaServe = mcpx.total + serveTools;
      rows.push({
        task: task.name,
        toolCalls: calls.length,
        agent,
        mcpx,
        ratio: agent.total / mcpx.total,
        ratioViaServe: agent.total / mcpx.viaServe,
      });
    }
  } finally {
    await manager.cleanup();
    await Deno.remove(join(workspace, "bench_tasks"), { recursive: true }).catch(() => {});
  }
  if (values.json) {
    console.log(JSON.stringify({ tokenizer: TOKENIZER, rows }, null, 2));
    return;
  }
  console.log(
    [
      `Tokenizer: ${TOKENIZER}; config: ${config.path ?? "none"}.`,
      "",
      "| task | tool calls | agent: definitions + calls + results = total | mcpx exec: header + output = total | ratio | mcpx serve: + its tools/list | ratio |",
      "|---|---:|---|---|---:|---:|---:|",
      ...rows.map((r) =>
        `| ${r.task} | ${r.toolCalls} | ${r.agent.definitions} + ${r.agent.calls} + ${r.agent.results} = **${r.agent.total}** | ${r.mcpx.header} + ${r.mcpx.output} = **${r.mcpx.total}** | ${
          r.ratio.toFixed(1)
        }× | ${r.mcpx.viaServe} | ${r.ratioViaServe.toFixed(1)}× |`
      ),
    ].join("\n"),
  );
}

if (import.meta.main) await main();
