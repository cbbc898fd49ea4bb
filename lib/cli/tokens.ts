/**
 * `mcpx tokens [--skill NAME] [--markdown] [--json]`: the measured prompt cost of every level of
 * progressive disclosure, against all tool definitions as a traditional client sends them.
 *
 * @module
 */
import { type Command, COMMON_HELP, defineCommand, loadCommandConfig } from "./command.ts";
import { McpClientManager } from "../client/manager.ts";
import { listMcpxTools } from "../serve/tools_list.ts";
import { buildTokenReport, formatTokenReport } from "../tokens/report.ts";
import { collectTokenSources } from "../tokens/sources.ts";

const HELP = `mcpx tokens: measure what each way of giving a model MCP tools costs in tokens

Usage:
  mcpx tokens [--skill NAME] [--markdown] [--json]

Rows: every enabled server's tools/list (the baseline: what a traditional MCP client puts in the
context), servers/INDEX.md (written by mcpx generate), "ls skills" plus one skill's USAGE header,
the whole skill file, and the tools/list of "mcpx serve". Connects to every enabled server once.

Options:
  --skill NAME    the skill to measure (default: fetch)
  --markdown      print a Markdown table
${COMMON_HELP}`;

/** The `tokens` command. */
export const command: Command = defineCommand({
  name: "tokens",
  summary: "measure the token cost of tool definitions vs. skills and wrappers",
  help: HELP,
  options: {
    skill: { type: "string" },
    markdown: { type: "boolean" },
  },
  maxPositionals: 0,
  async run({ values }, io) {
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
