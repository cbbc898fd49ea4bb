/**
 * Renders a {@linkcode Grant} into `deno run` flags: the one place where Deno permissions are
 * written. Tier-agnostic: the strict tier passes the same flags inside its container, where host
 * paths are mounted at the same paths. Also parses `host[:port]` entries into net grants and
 * refuses a skill's net grant that would reach a private or loopback address the user did not
 * name.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { Grant, NetGrant } from "./grant.ts";
import { deriveNetDeny, privateRangeOf } from "./net_deny.ts";

/** Run-wide facts the flags depend on besides the grant. */
export interface DenoFlagOptions {
  /** Absolute path of the bridge's Unix socket (read, write and `unix:` net access). */
  readonly bridgeSocket: string;
  /** `deno.json` whose import map and lock file the run resolves against; without it,
   * `--no-config`. */
  readonly configPath?: string | undefined;
  /** `frozen`: the config's lock file must match (`--frozen`); `none`: there is no lock file
   * (`--no-lock`). @default "frozen" */
  readonly lock?: "frozen" | "none";
  /** An import map replacing the config's imports. */
  readonly importMap?: string | undefined;
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

/** `host[:port]` as Deno's `--allow-net` writes it (IPv6 in brackets). */
export function formatNetGrant(grant: NetGrant): string {
  const host = grant.host.includes(":") ? `[${grant.host}]` : grant.host;
  return grant.port === undefined ? host : `${host}:${grant.port}`;
}

/**
 * Parses `host`, `host:port`, `[v6]` or `[v6]:port` into a {@linkcode NetGrant}. Throws
 * `UsageError` for anything else (a URL, an empty host, a port outside 1-65535).
 *
 * @example
 * ```ts
 * import { parseNetGrant } from "./permissions.ts";
 * const g = parseNetGrant("127.0.0.1:47802", true);
 * console.assert(g.host === "127.0.0.1" && g.port === 47802 && g.explicit);
 * ```
 */
export function parseNetGrant(entry: string, explicit: boolean): NetGrant {
  const match = /^(?:\[([\da-fA-F:.%\w]+)\]|([^:\[\]/\s@]+))(?::(\d{1,5}))?$/.exec(entry.trim());
  const port = match?.[3] === undefined ? undefined : Number(match[3]);
  if (match === null || (port !== undefined && (port < 1 || port > 65535))) {
    throw new UsageError(
      `Cannot grant net access to "${entry}": write a host or host:port such as ` +
        `example.com, example.com:443 or [::1]:8080.`,
    );
  }
  const host = (match[1] ?? match[2]!).toLowerCase().replace(/\.$/, "");
  return port === undefined ? { host, explicit } : { host, port, explicit };
}

/** Whether `host` is a loopback host name (`localhost`, `*.localhost`, RFC 6761). */
export function isLoopbackName(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost");
}

/**
 * Refuses a grant only the user may give: a skill's (non-explicit) host that is a private, local
 * or loopback literal, or a loopback name. An explicit grant never widens: `127.0.0.1:47802`
 * opens that port only, and `localhost` is not `127.0.0.1`.
 */
export function assertSkillHostsPublic(net: readonly NetGrant[]): void {
  const explicit = new Set(net.filter((g) => g.explicit).map(formatNetGrant));
  for (const grant of net) {
    if (grant.explicit || explicit.has(formatNetGrant(grant))) continue;
    const range = isLoopbackName(grant.host) ? "a loopback name" : privateRangeOf(grant.host);
    if (range !== undefined) {
      const entry = formatNetGrant(grant);
      throw new UsageError(
        `Refusing net access to "${entry}" (${range}): private and local addresses are only ` +
          `reachable when you pass --allow-net ${entry} to mcpx exec yourself (exactly that ` +
          `host and port).`,
      );
    }
  }
}

/**
 * The flags between `deno run` and the entry module: no prompt, no code fetched at run time
 * (`--cached-only`, `--no-remote`, `--frozen`), exactly the granted data paths, hosts and
 * variable names, private networks denied unless granted explicitly, and the V8 heap cap. Which
 * hosts a skill may name is the harness's decision ({@linkcode assertSkillHostsPublic}), made
 * before the grant reaches a tier; the deny list here is the second mechanism behind it.
 * `grant.code` is NOT readable: Deno loads the run's statically known module graph without read
 * permission, and the harness checked that graph lies inside `grant.code`; a computed dynamic
 * import needs read access and is refused. Nothing grants `run`, `ffi` or `sys`.
 *
 * @example
 * ```ts
 * import { denoFlagsFor } from "./permissions.ts";
 * const flags = denoFlagsFor({
 *   code: [], read: ["/w"], write: ["/w"], env: [], servers: [],
 *   net: [{ host: "example.com", explicit: false }],
 *   limits: { timeoutMs: 1000, memoryMb: 512, cpus: 1, pidsLimit: 64, workers: 4,
 *     outputLimitBytes: 1 << 20 },
 * }, { bridgeSocket: "/tmp/b/bridge.sock" });
 * console.assert(flags.includes("--allow-net=example.com,unix:/tmp/b/bridge.sock"));
 * ```
 */
export function denoFlagsFor(grant: Grant, options: DenoFlagOptions): string[] {
  const socket = options.bridgeSocket;
  const flags = ["--no-prompt", "--no-remote", "--cached-only"];
  if (options.configPath === undefined) flags.push("--no-config");
  else {
    flags.push(
      `--config=${options.configPath}`,
      options.lock === "none" ? "--no-lock" : "--frozen",
    );
  }
  if (options.importMap !== undefined) flags.push(`--import-map=${options.importMap}`);
  flags.push(`--allow-read=${list("read", [...grant.read, socket])}`);
  flags.push(`--allow-write=${list("write", [...grant.write, socket])}`);
  const hosts = grant.net.map(formatNetGrant);
  flags.push(`--allow-net=${list("net", [...hosts, `unix:${socket}`])}`);
  const explicit = grant.net.filter((g) => g.explicit).map(formatNetGrant);
  flags.push(`--deny-net=${deriveNetDeny(explicit).join(",")}`);
  if (grant.env.length > 0) flags.push(`--allow-env=${list("env", grant.env)}`);
  const heap = Math.max(16, Math.floor(grant.limits.memoryMb));
  flags.push(`--v8-flags=--max-old-space-size=${heap}`);
  return flags;
}

/** {@linkcode denoFlagsFor} of a run spec: its grant, bridge socket and module resolution. */
export function denoFlagsOf(
  spec: {
    readonly grant: Grant;
    readonly bridgeSocket: string;
    readonly deno: Omit<DenoFlagOptions, "bridgeSocket">;
  },
): string[] {
  return denoFlagsFor(spec.grant, {
    bridgeSocket: spec.bridgeSocket,
    configPath: spec.deno.configPath,
    lock: spec.deno.lock ?? "frozen",
    importMap: spec.deno.importMap,
  });
}

/** Resolves a host name's addresses (A and AAAA); none when it does not resolve. */
async function addressesOf(host: string): Promise<string[]> {
  const lookups = (["A", "AAAA"] as const).map((type) =>
    Deno.resolveDns(host, type, { signal: AbortSignal.timeout(2000) }).catch(() => [])
  );
  return (await Promise.all(lookups)).flat();
}

/**
 * When the user opened a private or loopback address (`--allow-net 127.0.0.1:47802`), Deno's
 * deny list has a hole for that address on every port, so a skill's host name that resolves
 * there would reach its other ports. Such a name is refused: a skill's host names must resolve
 * to public addresses whenever the grant has an explicit private one. (Without explicit private
 * grants the deny list itself refuses private resolutions at connect time.)
 */
export async function assertSkillNamesResolvePublic(net: readonly NetGrant[]): Promise<void> {
  const holes = net.some((g) => g.explicit && (isLoopbackName(g.host) || privateRangeOf(g.host)));
  if (!holes) return;
  for (const grant of net) {
    if (grant.explicit || privateRangeOf(grant.host) !== undefined) continue;
    if (/^[\d.]+$/.test(grant.host) || grant.host.includes(":")) continue; // public literal
    for (const address of await addressesOf(grant.host)) {
      const range = privateRangeOf(address);
      if (range === undefined) continue;
      const entry = formatNetGrant(grant);
      throw new UsageError(
        `Refusing net access to "${entry}": it resolves to ${address} (${range}), and a ` +
          `skill's host names may not reach private or local addresses; pass --allow-net ` +
          `${address}:<port> yourself if that is intended.`,
      );
    }
  }
}
