/**
 * `mcpx servers [--json]`: the configured MCP servers (name, transport, target, disabled),
 * read from the config without connecting to any of them.
 *
 * @module
 */
import { type Command, COMMON_HELP, defineCommand, loadCommandConfig } from "./command.ts";
import type { ServerConfig } from "../config/types.ts";
import { formatColumns } from "../_columns.ts";

const HELP = `mcpx servers: list the configured MCP servers (connects to none)

Usage:
  mcpx servers [--json]

Columns: name, transport (stdio, http, sse; "http?" = streamable HTTP with SSE fallback),
target (command line or URL), and whether the entry is disabled.
${COMMON_HELP}`;

function target(server: ServerConfig): string {
  return server.type === "stdio" ? [server.command, ...server.args].join(" ") : server.url;
}

/** The `servers` command. */
export const command: Command = defineCommand({
  name: "servers",
  summary: "list the configured MCP servers",
  help: HELP,
  options: {},
  maxPositionals: 0,
  async run({ values }, io) {
    const config = await loadCommandConfig(values, io);
    const servers = Object.values(config.servers);
    if (values.json) {
      const rows = servers.map((s) => ({
        name: s.name,
        type: s.type,
        target: target(s),
        disabled: s.disabled,
      }));
      io.out(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    if (servers.length === 0) {
      io.out(`No servers configured (${config.path ?? "no mcp_config.json found"}).\n`);
      return 0;
    }
    const rows = servers.map((s) => [
      s.name,
      s.type === "http" && s.fallbackToSse ? "http?" : s.type,
      target(s),
      s.disabled ? "disabled" : "",
    ]);
    io.out(formatColumns([["NAME", "TYPE", "TARGET", ""], ...rows]));
    return 0;
  },
});
