/**
 * `mcpx tokens [--skill NAME] [--markdown] [--json]`: the measured prompt cost of every level of
 * progressive disclosure, against all tool definitions as a traditional client sends them.
 *
 * @module
 */
import { type Command, COMMON_HELP, defineCommand, loadCommandConfig } from "./command.ts";
import { McpClientManager } from "../client/manager.ts";
import { UsageError } from "../errors.ts";
import { listMcpxTools } from "../serve/tools_list.ts";
import { buildTokenReport, formatTokenReport } from "../tokens/report.ts";
import { collectTokenSources } from "../tokens/sources.ts";
import { readRuns, runsFile, sumRuns } from "../tokens/runs.ts";
import { TOKENIZER } from "../tokens/tokenizer.ts";

const HELP = `mcpx tokens: measure what each way of giving a model MCP tools costs in tokens

Usage:
  mcpx tokens [--skill NAME] [--markdown] [--json]
  mcpx tokens --runs [N] [--json]

Rows: every enabled server's tools/list (the baseline: what a traditional MCP client puts in the
context), servers/INDEX.md (written by mcpx generate), "ls skills" plus one skill's USAGE header,
the whole skill file, and the tools/list of "mcpx serve". Connects to every enabled server once.

With --runs: the sum of the last N runs (default 10) of mcpx exec and serve's run_skill /
execute_code: tokens of the tool results that stayed in the sandbox, tokens of the output the
model received, and the difference (from the runs file in the state directory).

Options:
  --runs [N]      sum the accounting of the last N runs
  --skill NAME    the skill to measure (default: fetch)
  --markdown      print a Markdown table
${COMMON_HELP}`;

/** The `tokens` command. */
export const command: Command = defineCommand({
  name: "tokens",
  summary: "measure the token cost of tool definitions vs. skills and wrappers",
  help: HELP,
  options: {
    runs: { type: "boolean" },
    skill: { type: "string" },
    markdown: { type: "boolean" },
  },
  maxPositionals: 1,
  async run({ values, positionals }, io) {
    if (values.runs) return await showRuns(positionals[0], values.json === true, io);
    if (positionals.length > 0) {
      throw new UsageError(`mcpx tokens takes no arguments, got "${positionals[0]}".`);
    }
    const config = await loadCommandConfig(values, io);
    const manager = new McpClientManager({ config });
    try {
      const sources = await collectTokenSources(config, {
        caller: manager,
        ...(values.skill === undefined ? {} : { skill: values.skill }),
        mcpxTools: listMcpxTools,
      });
      const report = buildTokenReport(sources);
      io.out(
        values.json
          ? `${JSON.stringify(report, null, 2)}\n`
          : formatTokenReport(report, { markdown: values.markdown ?? false }),
      );
      return 0;
    } finally {
      await manager.cleanup();
    }
  },
});

async function showRuns(
  count: string | undefined,
  json: boolean,
  io: Parameters<Command["run"]>[1],
): Promise<number> {
  const n = count === undefined ? 10 : Number(count);
  if (!Number.isInteger(n) || n <= 0) {
    throw new UsageError(`mcpx tokens --runs needs a positive whole number, got "${count}".`);
  }
  const records = await readRuns(io.env, n);
  const sum = sumRuns(records);
  if (json) {
    io.out(
      `${JSON.stringify({ ...sum, tokenizer: TOKENIZER, file: runsFile(io.env) }, null, 2)}\n`,
    );
    return 0;
  }
  if (records.length === 0) {
    io.out(`no runs recorded yet in ${runsFile(io.env)} (mcpx exec and serve runs add one each)\n`);
    return 0;
  }
  const pct = sum.toolResults === 0 ? 0 : (100 * sum.saved) / sum.toolResults;
  io.out(
    [
      `last ${sum.runs} run(s), ${sum.toolCalls} tool call(s)`,
      `  tool results (stayed in the sandbox): ${sum.toolResults} tokens`,
      `  output (reached the model):           ${sum.output} tokens`,
      `  saved:                                ${sum.saved} tokens (${pct.toFixed(1)} %)`,
      `tokenizer: ${TOKENIZER}`,
    ].join("\n") + "\n",
  );
  return 0;
}
