/**
 * `mcpx servers [--json]`: the configured MCP servers (name, transport, target, disabled),
 * read from the config without connecting to any of them.
 *
 * @module
 */
import { type Command, COMMON_HELP, defineCommand, loadCommandConfig } from "./command.ts";
import { ADHOC_HELP, ADHOC_OPTIONS, loadCommandServers } from "./adhoc.ts";
import { DEFAULT_STATUS_TIMEOUT_MS, runStatus } from "./servers_status.ts";
import { parseTimeoutMs } from "./_timeout.ts";
import { UsageError } from "../errors.ts";
import type { ServerConfig } from "../config/types.ts";
import { formatColumns } from "../_columns.ts";

const HELP = `mcpx servers: list the configured MCP servers (connects to none)

Usage:
  mcpx servers [--json]
  mcpx servers --status [server …] [--timeout-ms N] [--json]

Options:
  --status        connect to every enabled server (or those named) in parallel and report
                  ok/down, latency and the cause; exit 1 when any is down (for health checks)
  --timeout-ms N  deadline of each check (default ${DEFAULT_STATUS_TIMEOUT_MS})

Columns: name, transport (stdio, http, sse; "http?" = streamable HTTP with SSE fallback),
target (command line or URL), and whether the entry is disabled.
${ADHOC_HELP}
  (with an ad-hoc server, --status checks only that one)
${COMMON_HELP}`;

function target(server: ServerConfig): string {
  return server.type === "stdio" ? [server.command, ...server.args].join(" ") : server.url;
}

/** The `servers` command. */
export const command: Command = defineCommand({
  name: "servers",
  summary: "list the configured MCP servers (--status checks each one)",
  help: HELP,
  options: {
    ...ADHOC_OPTIONS,
    status: { type: "boolean" },
    "timeout-ms": { type: "string" },
  },
  async run({ values, positionals }, io) {
    if (values.status) {
      const timeoutMs = parseTimeoutMs(values["timeout-ms"], "servers") ??
        DEFAULT_STATUS_TIMEOUT_MS;
      const { config, adhoc } = await loadCommandServers(values, io);
      const names = adhoc === undefined ? positionals : [adhoc.name];
      return await runStatus(config, names, { timeoutMs, json: values.json === true }, io);
    }
    const adhocGiven = Object.keys(ADHOC_OPTIONS).find((k) => k in values) ??
      (values["timeout-ms"] !== undefined ? "timeout-ms" : undefined);
    if (adhocGiven !== undefined) {
      throw new UsageError(`mcpx servers: --${adhocGiven} goes with --status.`);
    }
    if (positionals.length > 0) {
      throw new UsageError(`mcpx servers takes no arguments, got "${positionals[0]}".`);
    }
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
