/**
 * `mcpx tools <server> [--schema] [--json]`: one server's tools with their one-line
 * descriptions, or their input schemas.
 *
 * @module
 */
import { type Command, COMMON_HELP, loadCommandConfig, parseCommandArgs } from "./command.ts";
import { UsageError } from "../errors.ts";
import { toolSummary } from "../client/format.ts";
import { McpClientManager } from "../client/manager.ts";
import { visibleTools } from "../checkpoint/listing.ts";

const HELP = `mcpx tools: list one server's tools (connects to that server only)

Usage:
  mcpx tools <server> [--schema] [--json]

Options:
  --schema        show each tool's input schema (JSON Schema)
${COMMON_HELP}

Call one with: mcpx call <server> <tool> key=value …`;

/** The `tools` command. */
export const command: Command = {
  name: "tools",
  summary: "list one server's tools (--schema for input schemas)",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("tools", argv, {
      schema: { type: "boolean" },
    });
    if (values.help) {
      io.out(`${HELP}\n`);
      return 0;
    }
    if (positionals.length !== 1) {
      throw new UsageError(
        `mcpx tools takes exactly one server name, got ${positionals.length}. ` +
          `Run "mcpx servers" to list them.`,
      );
    }
    const server = positionals[0]!;
    const config = await loadCommandConfig(values, io);
    const manager = new McpClientManager({ config });
    try {
      const tools = visibleTools(config, server, await manager.listTools(server));
      if (values.json) {
        const shown = values.schema ? tools : tools.map(({ inputSchema: _, ...rest }) => rest);
        io.out(`${JSON.stringify(shown, null, 2)}\n`);
        return 0;
      }
      if (values.schema) {
        for (const tool of tools) {
          io.out(`${tool.name}: ${toolSummary(tool)}\n`);
          io.out(`${JSON.stringify(tool.inputSchema, null, 2)}\n\n`);
        }
        return 0;
      }
      const width = Math.max(0, ...tools.map((tool) => tool.name.length));
      for (const tool of tools) {
        io.out(`${`${tool.name.padEnd(width)}  ${toolSummary(tool)}`.trimEnd()}\n`);
      }
      return 0;
    } finally {
      await manager.cleanup();
    }
  },
};
