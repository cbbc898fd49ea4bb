/**
 * Health checks: connect to servers in parallel, each under one deadline, and report which
 * answer. Used by `mcpx servers --status`.
 *
 * @module
 */
import type { ServerConfig } from "../config/types.ts";
import { McpxError } from "../errors.ts";
import type { McpClientManager, ServerProbe } from "./manager.ts";

/** How one server fared. */
export type ServerStatus =
  | ({ readonly name: string; readonly status: "ok" } & ServerProbe)
  | {
    readonly name: string;
    readonly status: "down";
    readonly latencyMs: number;
    /** The stable code of the failure (`CONNECT_FAILED`, `TIMEOUT`, `COMMAND_NOT_FOUND` …). */
    readonly code: string;
    /** What failed, in one line. */
    readonly error: string;
  }
  | { readonly name: string; readonly status: "disabled" };

/** Options of {@linkcode checkServers}. */
export interface CheckServersOptions {
  /** Deadline of each server's check (connect, initialize, ping). @default {5000} */
  timeoutMs?: number;
}

/** Extra time after the deadline for a server's own timeout to fire and its connection to close
 * (a stdio child gets SIGTERM, then SIGKILL after 1 s), so the report names the real cause. */
const GRACE_MS = 1500;

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/**
 * Checks `servers` at once through `manager` (which must hold them in its config) and resolves
 * to one status per server, in order. Never throws for a server that is down. A server `manager`
 * already holds is pinged over its open connection (the daemon's warm manager); the others are
 * connected, and the caller cleans up `manager` afterwards (unless it is the daemon's, which
 * keeps them), which stops every process a check started.
 */
export async function checkServers(
  manager: McpClientManager,
  servers: readonly ServerConfig[],
  options: CheckServersOptions = {},
): Promise<ServerStatus[]> {
  const timeoutMs = options.timeoutMs ?? 5000;
  return await Promise.all(servers.map(async (server): Promise<ServerStatus> => {
    if (server.disabled) return { name: server.name, status: "disabled" };
    const started = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new McpxError(
              "TIMEOUT",
              `no answer within ${timeoutMs} ms; raise --timeout-ms if it is slow to start`,
            ),
          ),
        timeoutMs + GRACE_MS,
      );
    });
    try {
      const probe = await Promise.race([manager.probe(server.name, { timeoutMs }), deadline]);
      return { name: server.name, status: "ok", ...probe };
    } catch (error) {
      return {
        name: server.name,
        status: "down",
        latencyMs: Math.round(performance.now() - started),
        code: error instanceof McpxError ? error.code : "INTERNAL",
        error: oneLine(error instanceof Error ? error.message : String(error)),
      };
    } finally {
      clearTimeout(timer);
    }
  }));
}
