/**
 * What the resident daemon hangs on a command's io, in a module of its own: `mcpx exec` asks
 * whether it runs inside the daemon without loading the MCP client (`shared.ts` does).
 *
 * @module
 */
import type { CommandIo } from "../cli/command.ts";
import type { McpxConfig } from "../config/types.ts";
import type { McpClientManager } from "./manager.ts";
import type { ToolCaller } from "./types.ts";

/** What the daemon hangs on a command's io. */
export interface CallerPool {
  /** The daemon's manager when `config` is the one it serves (same file, same servers). */
  managerFor(config: McpxConfig): McpClientManager | undefined;
  /** The same as an `execSkill` option (`{ caller }`), or `undefined`. */
  caller(config: McpxConfig): { caller: ToolCaller } | undefined;
  /** `loadConfig(options)`, answered from memory while none of the files it depends on changed. */
  loadConfig?(
    options: { path?: string; cwd: string; env: Readonly<Record<string, string>> },
  ): Promise<
    McpxConfig
  >;
}

/** A command's io, possibly inside the daemon. */
export interface PooledIo extends CommandIo {
  /** Set by `mcpx daemon` only. */
  readonly pool?: CallerPool;
  /** The client's standard input, passed on by the thin client (a forwarded `mcpx serve`). */
  readonly stdin?: ReadableStream<Uint8Array>;
}

/**
 * Whether the command runs inside `mcpx daemon`. There the daemon's own terminal (if it has one)
 * is not the user's: approvals are never asked on it (the thin client runs a command that may
 * need one in the user's terminal instead).
 */
export function inDaemon(io: CommandIo): boolean {
  return (io as PooledIo).pool !== undefined;
}
