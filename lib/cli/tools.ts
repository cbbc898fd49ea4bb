/**
 * `mcpx tools <server> [--schema] [--json]`: one server's tools with their one-line
 * descriptions, or their input schemas.
 *
 * @module
 */
import { type Command, COMMON_HELP, defineCommand, startingMessage, whileSlow } from "./command.ts";
import { ADHOC_HELP, ADHOC_OPTIONS, loadCommandServers, takeServer } from "./adhoc.ts";
import { UsageError } from "../errors.ts";
import { formatColumns } from "../_columns.ts";
import { toolSummary } from "../client/format.ts";
import { acquireCaller } from "../client/shared.ts";
import { visibleTools } from "../checkpoint/listing.ts";

const HELP = `mcpx tools: list one server's tools (connects to that server only)

Usage:
  mcpx tools <server> [--schema] [--json]
  mcpx tools --stdio "CMD ARGS" | --http-url URL [--schema] [--json]

Options:
  --schema        show each tool's input schema (JSON Schema)
${ADHOC_HELP}
${COMMON_HELP}

Call one with: mcpx call <server> <tool> key=value …`;

/** The `tools` command. */
export const command: Command = defineCommand({
  name: "tools",
  summary: "list one server's tools (--schema for input schemas)",
  help: HELP,
  firstArgument: "server",
  options: {
    ...ADHOC_OPTIONS,
    schema: { type: "boolean" },
  },
  async run({ values, positionals }, io) {
    const { config, adhoc } = await loadCommandServers(values, io);
    const rest = [...positionals];
    const server = takeServer(rest, adhoc, "tools");
    if (rest.length > 0) {
      throw new UsageError(
        adhoc === undefined
          ? `mcpx tools takes exactly one server name, got also "${rest[0]}". ` +
            `Run "mcpx servers" to list them.`
          : `mcpx tools takes no server name with an ad-hoc server ("${adhoc.name}"), got "${
            rest[0]
          }".`,
      );
    }
    const { manager, release } = acquireCaller(config, io); // daemon wiring
    try {
      const tools = visibleTools(
        config,
        server,
        await whileSlow(io, manager.listTools(server), { message: startingMessage(server) }),
      );
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
      io.out(formatColumns(tools.map((tool) => [tool.name, toolSummary(tool)])));
      return 0;
    } finally {
      await release();
    }
  },
});
