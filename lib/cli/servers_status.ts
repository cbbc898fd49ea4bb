/**
 * `mcpx servers --status`: checks every enabled server (or the ones named) in parallel, each
 * within `--timeout-ms`, prints one line per server and exits 1 when any is down, for health
 * checks. Every process a check started is stopped before it returns; inside `mcpx daemon` the
 * check goes through the daemon's warm manager instead (servers it holds are pinged where they
 * run, and a server it connects stays with the daemon), so no second copy of a server is started.
 *
 * @module
 */
import { columns } from "../client/format_resources.ts";
import { acquireCaller } from "../client/shared.ts";
import { checkServers, type ServerStatus } from "../client/status.ts";
import type { McpxConfig, ServerConfig } from "../config/types.ts";
import { ClientError } from "../errors.ts";
import type { CommandIo } from "./command.ts";

/** Default deadline of one server's check, in milliseconds. */
export const DEFAULT_STATUS_TIMEOUT_MS = 5000;

function detail(status: ServerStatus): string {
  if (status.status === "disabled") return "";
  if (status.status === "down") return `${status.code}: ${status.error}`;
  const info = status.serverInfo === undefined
    ? ""
    : `${status.serverInfo.name} ${status.serverInfo.version}; `;
  return `${info}${status.capabilities.join(", ")}`;
}

/** Runs the status check of `names` (all servers when empty) and writes the report. */
export async function runStatus(
  config: McpxConfig,
  names: readonly string[],
  options: { timeoutMs: number; json: boolean },
  io: CommandIo,
): Promise<number> {
  const all = Object.values(config.servers);
  const servers: ServerConfig[] = names.length === 0 ? all : names.map((name) => {
    const server = config.servers[name];
    if (server === undefined) {
      throw new ClientError(
        "UNKNOWN_SERVER",
        `Unknown server "${name}"; configured: ${all.map((s) => s.name).join(", ") || "none"}.`,
        { data: { server: name } },
      );
    }
    return server;
  });
  if (servers.length === 0) {
    io.out(`No servers configured (${config.path ?? "no mcp_config.json found"}).\n`);
    return 0;
  }
  const { manager, release } = acquireCaller(config, io);
  let statuses: ServerStatus[];
  try {
    statuses = await checkServers(manager, servers, { timeoutMs: options.timeoutMs });
  } finally {
    await release();
  }
  const down = statuses.filter((s) => s.status === "down").length;
  if (options.json) {
    io.out(`${JSON.stringify({ ok: down === 0, down, servers: statuses }, null, 2)}\n`);
  } else {
    io.out(columns([
      ["NAME", "STATUS", "LATENCY", "DETAIL"],
      ...statuses.map((s) => [
        s.name,
        s.status,
        s.status === "disabled" ? "" : `${s.latencyMs} ms`,
        detail(s),
      ]),
    ]));
    if (down > 0) io.out(`${down} of ${statuses.length} servers down.\n`);
  }
  return down === 0 ? 0 : 1;
}
