/**
 * The grant: what one sandboxed run may do, as structured data. The harness computes it from
 * inputs it can trust (the skill's declaration as read by the harness, the caller's arguments,
 * the user's command-line widening, the operator's config), never from anything the run's code
 * prints or writes, and never from the module graph. Each tier turns the same grant into its own
 * mechanisms: Deno permission flags for the Deno process, plus an OS boundary (bubblewrap
 * namespaces and a cgroup for the fast tier, a podman container for the strict tier). The bridge
 * host enforces `servers`.
 *
 * @module
 */

/** One host the run may connect to. */
export interface NetGrant {
  /** Lower-case host name or IP literal (IPv6 without brackets). */
  readonly host: string;
  /** The one port allowed; absent means every port of `host`. */
  readonly port?: number;
  /** Given by the user or operator (`--allow-net`, `serve.allow_net`), not by the skill. Only an
   * explicit grant may name a loopback, private or link-local address, and a host name never
   * widens one. */
  readonly explicit: boolean;
}

/** Resource limits of one run. */
export interface RunLimits {
  /** Wall-clock limit; on expiry the whole run is killed (exit 124). */
  readonly timeoutMs: number;
  /** Memory of the whole run in MiB, whatever allocates it. */
  readonly memoryMb: number;
  /** CPU limit (cores). */
  readonly cpus: number;
  /** Processes and threads of the whole run. */
  readonly pidsLimit: number;
  /** Web Workers the run may start. */
  readonly workers: number;
  /** Bytes of stdout and of stderr kept (each); the rest is dropped and the cut is said. */
  readonly outputLimitBytes: number;
}

/** What one run may do. Every path is absolute and already resolved (no symlinks). */
export interface Grant {
  /** Directories whose modules the run may load, read-only: the skill's folder, `servers/`,
   * mcpx's own library, code paths the user granted, the Deno cache. */
  readonly code: readonly string[];
  /** Data paths the run may read (the workspace, declared and widened paths). */
  readonly read: readonly string[];
  /** Paths the run may write (the workspace, declared and widened paths). */
  readonly write: readonly string[];
  /** Hosts the run may reach. Empty: the run gets no network at all. */
  readonly net: readonly NetGrant[];
  /** Environment variable names copied from the host environment into the run. */
  readonly env: readonly string[];
  /** MCP servers the bridge lets the run call. */
  readonly servers: readonly string[];
  /** Resource limits. */
  readonly limits: RunLimits;
}

/** Web Workers a run may start unless configured otherwise. */
export const DEFAULT_WORKERS = 4;

/** Limits used where a caller gives none (tests, doctor probes): small and finite. */
export const PROBE_LIMITS: RunLimits = {
  timeoutMs: 30_000,
  memoryMb: 256,
  cpus: 1,
  pidsLimit: 64,
  workers: DEFAULT_WORKERS,
  outputLimitBytes: 1 << 20,
};

/**
 * A grant from the parts given; every other part is empty (no paths, hosts, variables or
 * servers) and limits default to {@linkcode PROBE_LIMITS}.
 *
 * @example
 * ```ts
 * import { makeGrant } from "./grant.ts";
 * const grant = makeGrant({ write: ["/p/workspace"], limits: { memoryMb: 128 } });
 * console.assert(grant.read.length === 0 && grant.limits.memoryMb === 128);
 * ```
 */
export function makeGrant(
  parts: Partial<Omit<Grant, "limits">> & { readonly limits?: Partial<RunLimits> } = {},
): Grant {
  return {
    code: parts.code ?? [],
    read: parts.read ?? [],
    write: parts.write ?? [],
    net: parts.net ?? [],
    env: parts.env ?? [],
    servers: parts.servers ?? [],
    limits: { ...PROBE_LIMITS, ...parts.limits },
  };
}
