/**
 * The seam between commands and the resident daemon: a command asks {@linkcode acquireCaller}
 * for its MCP client manager instead of making one. Inside `mcpx daemon` the io carries the
 * daemon's pool, and a command whose configuration is the daemon's gets the warm, shared
 * manager (left open afterwards); anywhere else, or when the command's servers differ from the
 * daemon's (ad-hoc servers, other environment), it gets a fresh manager that `release()` closes.
 *
 * @module
 */
import type { McpxConfig } from "../config/types.ts";
import type { CommandIo } from "../cli/command.ts";
import { McpClientManager } from "./manager.ts";
import type { ToolCaller } from "./types.ts";

/** What the daemon hangs on a command's io. */
export interface CallerPool {
  /** The daemon's manager when `config` is the one it serves (same file, same servers). */
  managerFor(config: McpxConfig): McpClientManager | undefined;
  /** The same as an `execSkill` option (`{ caller }`), or `undefined`. */
  caller(config: McpxConfig): { caller: ToolCaller } | undefined;
}

/** A command's io, possibly inside the daemon. */
export interface PooledIo extends CommandIo {
  /** Set by `mcpx daemon` only. */
  readonly pool?: CallerPool;
}

/** A manager lent to one command. */
export interface AcquiredCaller {
  readonly manager: McpClientManager;
  /** Whether it is the daemon's shared manager (then `release` leaves it open). */
  readonly shared: boolean;
  /** Closes the manager unless it is shared. */
  release(): Promise<void>;
}

/**
 * The manager a command uses for `config`: the daemon's when the io carries a pool that serves
 * this configuration, else a new one.
 *
 * @example
 * ```ts ignore
 * const { manager, release } = acquireCaller(config, io);
 * try { await manager.callTool("everything", "echo", { message: "hi" }); } finally { await release(); }
 * ```
 */
export function acquireCaller(config: McpxConfig, io: CommandIo): AcquiredCaller {
  const pooled = (io as PooledIo).pool?.managerFor(config);
  if (pooled !== undefined) {
    return { manager: pooled, shared: true, release: () => Promise.resolve() };
  }
  const manager = new McpClientManager({ config });
  return { manager, shared: false, release: () => manager.cleanup() };
}

/** Whether two configurations define the same servers (what makes a manager reusable). */
export function sameServers(a: McpxConfig, b: McpxConfig): boolean {
  return a.path === b.path && JSON.stringify(a.servers) === JSON.stringify(b.servers);
}
