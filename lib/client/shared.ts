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
import type { PooledIo } from "./pooled.ts";
import { ClientError } from "../errors.ts";

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
export function acquireCaller(
  config: McpxConfig,
  io: CommandIo,
  options: { timeoutMs?: number | undefined } = {},
): AcquiredCaller {
  const pooled = (io as PooledIo).pool?.managerFor(config);
  if (pooled !== undefined) {
    return { manager: pooled, shared: true, release: () => Promise.resolve() };
  }
  // A command deadline bounds the handshake too: no server gets longer than the whole command.
  const limit = options.timeoutMs;
  const bounded = limit === undefined ? config : {
    ...config,
    servers: Object.fromEntries(
      Object.entries(config.servers).map((
        [name, server],
      ) => [name, { ...server, timeoutMs: Math.min(server.timeoutMs, limit) }]),
    ),
  };
  const manager = new McpClientManager({ config: bounded });
  return { manager, shared: false, release: () => manager.cleanup() };
}

const DEADLINE_GRACE_MS = 250;

/**
 * Resolves like `work`, or throws `TIMEOUT` once `timeoutMs` (the command's `--timeout-ms`) has
 * passed since `started`, whatever `work` is still waiting for (a handshake included).
 */
export async function withinDeadline<T>(
  work: Promise<T>,
  deadline: {
    /** The command's `--timeout-ms`; no deadline when `undefined`. */
    timeoutMs: number | undefined;
    /** When the command started (`performance.now()`). */
    started: number;
    /** What did not finish, for the message (`mcpx call server tool`). */
    what: string;
  },
): Promise<T> {
  const { timeoutMs, started, what } = deadline;
  if (timeoutMs === undefined) return await work;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new ClientError(
          "TIMEOUT",
          `${what} did not finish within ${timeoutMs} ms (--timeout-ms); raise --timeout-ms, ` +
            `or check the server with "mcpx servers --status".`,
        ),
      );
      // A little grace, so that the call's own TIMEOUT (which cancels it on the server and
      // says more) wins whenever the deadline falls inside the call rather than the handshake.
    }, Math.max(0, started + timeoutMs + DEADLINE_GRACE_MS - performance.now()));
  });
  work.catch(() => {});
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether two configurations define the same servers (what makes a manager reusable). */
export function sameServers(a: McpxConfig, b: McpxConfig): boolean {
  return a.path === b.path && JSON.stringify(a.servers) === JSON.stringify(b.servers);
}
