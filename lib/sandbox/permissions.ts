/**
 * Turns what a run may do (declared by the skill, widened by the user) into `deno run` flags.
 * Tier-agnostic: the strict tier passes the same flags inside its container, where host paths
 * are mounted at the same paths.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { deriveNetDeny, hostOf, privateRangeOf } from "./net_deny.ts";

/** What one run may touch. Paths are absolute. */
export interface PermissionRequest {
  /** Hosts (`host` or `host:port`) the skill may reach: its manifest's plus `--allow-net`. */
  readonly net: readonly string[];
  /** The subset of `net` the user gave on the command line; only these open private ranges. */
  readonly explicitNet: readonly string[];
  /** Paths the skill may read (the workspace, declared paths, its own module files). */
  readonly read: readonly string[];
  /** Paths the skill may write (the workspace, declared paths). */
  readonly write: readonly string[];
  /** Environment variable names the skill may read. */
  readonly env: readonly string[];
}

/** Run-wide facts the flags depend on. */
export interface DenoFlagOptions {
  /** Absolute path of the bridge's Unix socket (read, write and `unix:` net access). */
  bridgeSocket: string;
  /** V8 old-space cap in MiB. */
  memoryMb: number;
  /** `deno.json` whose import map and lock file the skill resolves against; without it,
   * `--no-config`. */
  configPath?: string | undefined;
  /** `frozen`: the config's lock file must match (`--frozen`); `none`: there is no lock file
   * (`--no-lock`). @default "frozen" */
  lock?: "frozen" | "none";
}

function list(kind: string, items: readonly string[]): string {
  for (const item of items) {
    if (item.includes(",")) {
      throw new UsageError(
        `Cannot grant ${kind} access to "${item}": Deno permission lists are comma-separated, ` +
          `so the entry must not contain a comma. Rename or move it.`,
      );
    }
  }
  return [...new Set(items)].join(",");
}

/**
 * `--deny-net` cannot express IPv6 ranges, and Deno matches an IP literal in the allow list
 * without mapping it back to IPv4, so a declared `[::ffff:127.0.0.1]` would slip past the deny
 * list. Any private or local IP literal the user did not allow explicitly is refused here.
 */
function assertNoPrivateLiterals(request: PermissionRequest): void {
  const explicit = new Set(request.explicitNet);
  for (const entry of request.net) {
    if (explicit.has(entry)) continue;
    const range = privateRangeOf(hostOf(entry));
    if (range !== undefined) {
      throw new UsageError(
        `Refusing net access to "${entry}" (${range}): private and local addresses are only ` +
          `reachable when you pass --allow-net ${entry} to mcpx exec yourself.`,
      );
    }
  }
}

/**
 * The flags between `deno run` and the entry module: no prompt, no code fetched at run time
 * (`--cached-only`, `--no-remote`, `--frozen`), exactly the granted paths, hosts and variable
 * names, private networks denied unless allowed explicitly, and the V8 heap cap. Nothing grants
 * `run`, `ffi` or `sys`.
 *
 * @example
 * ```ts
 * import { deriveDenoFlags } from "./permissions.ts";
 * const flags = deriveDenoFlags(
 *   { net: ["example.com"], explicitNet: [], read: ["/w"], write: ["/w"], env: [] },
 *   { bridgeSocket: "/tmp/b/bridge.sock", memoryMb: 512 },
 * );
 * console.assert(flags.includes("--allow-net=example.com,unix:/tmp/b/bridge.sock"));
 * ```
 */
export function deriveDenoFlags(request: PermissionRequest, options: DenoFlagOptions): string[] {
  assertNoPrivateLiterals(request);
  const socket = options.bridgeSocket;
  const flags = ["--no-prompt", "--no-remote", "--cached-only"];
  if (options.configPath === undefined) flags.push("--no-config");
  else {
    flags.push(
      `--config=${options.configPath}`,
      options.lock === "none" ? "--no-lock" : "--frozen",
    );
  }
  flags.push(`--allow-read=${list("read", [...request.read, socket])}`);
  flags.push(`--allow-write=${list("write", [...request.write, socket])}`);
  flags.push(`--allow-net=${list("net", [...request.net, `unix:${socket}`])}`);
  flags.push(`--deny-net=${deriveNetDeny(request.explicitNet).join(",")}`);
  if (request.env.length > 0) flags.push(`--allow-env=${list("env", request.env)}`);
  flags.push(`--v8-flags=--max-old-space-size=${Math.max(16, Math.floor(options.memoryMb))}`);
  return flags;
}
